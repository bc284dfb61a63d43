"""The review pages: an expert's rounds and scoring form, a chair's ranking, the chief editor's
confirmation of winners. Every score, declared conflict and decision goes into Wagtail's audit log.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .models import Call, ConflictOfInterest, Nomination, Round, Score
from .permissions import is_chief
from .ranking import ranking, weighted_mean


class ScoreForm(forms.Form):
    conflict = forms.BooleanField(label=_("我与被推荐人存在利益冲突，申请回避"), required=False)
    conflict_reason = forms.CharField(label=_("回避理由"), required=False, max_length=200)
    comment = forms.CharField(label=_("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name}（权重 {criterion.weight.normalize()}，满分 {criterion.max_score}）",
                min_value=0, max_value=criterion.max_score, required=False,
                error_messages={"min_value": _("得分不能小于 0。"),
                                "max_value": _("得分不能超过满分 %(limit_value)s。"),
                                "invalid": _("请填写整数分值。")},
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("conflict"):
            if not (cleaned.get("conflict_reason") or "").strip():
                self.add_error("conflict_reason", _("申请回避时请写明理由，例如“同一单位”或“近三年合作”。"))
            return cleaned
        for criterion in self.criteria:
            name = f"c{criterion.pk}"
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, _("请为“%(name)s”打分。") % {"name": criterion.name})
        return cleaned

    def values(self):
        return {str(c.pk): self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


def _expert_round(request, round_id):
    round_ = get_object_or_404(Round.objects.select_related("call"), pk=round_id)
    if not round_.experts.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    return round_


def my_rounds(request):
    rounds = Round.objects.filter(experts=request.user).select_related("call").prefetch_related("criteria")
    chaired = [r for r in Round.objects.select_related("call") if r.may_chair(request.user)]
    rows = []
    for round_ in rounds:
        done = set(round_.scores.filter(expert=request.user).values_list("nomination_id", flat=True))
        recused = set(round_.conflicts.filter(expert=request.user).values_list("nomination_id", flat=True))
        items = [(n, "已回避" if n.pk in recused else "已评分" if n.pk in done else "待评分")
                 for n in round_.nominations().select_related("unit__institute")]
        rows.append((round_, items))
    calls = Call.objects.all() if is_chief(request.user) else []
    return render(request, "nominations/my_rounds.html",
                  {"rows": rows, "chaired": chaired, "calls": calls, "now": timezone.now()})


def score(request, round_id, nomination_id):
    round_ = _expert_round(request, round_id)
    nomination = get_object_or_404(round_.nominations().select_related("unit__institute"), pk=nomination_id)
    criteria = list(round_.criteria.all())
    existing = Score.objects.filter(round=round_, nomination=nomination, expert=request.user).first()
    conflict = ConflictOfInterest.objects.filter(round=round_, nomination=nomination, expert=request.user).first()
    initial = {f"c{pk}": value for pk, value in (existing.values if existing else {}).items()}
    if existing:
        initial["comment"] = existing.comment
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    refusal = None
    if conflict is not None:
        refusal = _("您已声明与这位被推荐人存在利益冲突（%(reason)s），不参加对其评分。") % {"reason": conflict.reason}
    elif not round_.is_open():
        refusal = _("本轮评审的时间是 %(start)s 至 %(end)s，现在不能评分。") % {
            "start": timezone.localtime(round_.starts_at).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(round_.ends_at).strftime("%Y-%m-%d %H:%M")}
    if request.method == "POST" and refusal is None and form.is_valid():
        with transaction.atomic():
            if form.cleaned_data["conflict"]:
                declared = ConflictOfInterest.objects.create(
                    round=round_, nomination=nomination, expert=request.user,
                    reason=form.cleaned_data["conflict_reason"].strip(),
                )
                Score.objects.filter(round=round_, nomination=nomination, expert=request.user).delete()
                log(nomination, "nominations.conflict", user=request.user,
                    data={"round": round_.number, "expert": request.user.get_username(), "reason": declared.reason})
                messages.success(request, _("已记录回避声明，您不再参加对“%(name)s”的评分。")
                                 % {"name": nomination.nominee_name})
            else:
                values = form.values()
                weighted = weighted_mean({int(k): v for k, v in values.items()}, criteria)
                Score.objects.update_or_create(
                    round=round_, nomination=nomination, expert=request.user,
                    defaults={"values": values, "weighted": weighted, "comment": form.cleaned_data["comment"]},
                )
                log(nomination, "nominations.score", user=request.user,
                    data={"round": round_.number, "expert": request.user.get_username(),
                          "values": values, "weighted": str(weighted)})
                messages.success(request, _("已保存对“%(name)s”的评分：加权得分 %(score)s。")
                                 % {"name": nomination.nominee_name, "score": weighted})
        return redirect("nominations_my_rounds")
    return render(request, "nominations/score.html", {
        "round": round_, "nomination": nomination, "form": form, "refusal": refusal, "existing": existing,
    })


def round_ranking(request, round_id):
    round_ = get_object_or_404(Round.objects.select_related("call"), pk=round_id)
    if not round_.may_chair(request.user):
        raise PermissionDenied
    places = ranking(round_)
    last = round_.call.last_round()
    is_last = last is None or last.number == round_.number
    if request.method == "POST":
        chosen = {int(pk) for pk in request.POST.getlist("advance") if pk.isdigit()}
        advanced = advance(round_, [p.nomination for p in places if p.nomination.pk in chosen], request.user, is_last)
        if advanced:
            messages.success(request, (_("已将 %(n)s 人列入公示名单：%(names)s。") if is_last
                                       else _("已将 %(n)s 人推进到下一轮：%(names)s。"))
                             % {"n": len(advanced), "names": "、".join(n.nominee_name for n in advanced)})
        else:
            messages.error(request, _("请至少勾选一位被推荐人。"))
        return redirect("nominations_ranking", round_id=round_.pk)
    return render(request, "nominations/ranking.html",
                  {"round": round_, "places": places, "is_last": is_last, "expert_count": round_.experts.count()})


def advance(round_, nominations, user, is_last):
    """Advance the chosen nominations from ``round_``: to the next round, or to the 公示 shortlist."""
    advanced = []
    with transaction.atomic():
        for nomination in Nomination.objects.select_for_update().filter(
            pk__in=[n.pk for n in nominations], reached_round=round_.number, shortlisted=False
        ):
            if is_last:
                nomination.shortlisted = True
            else:
                nomination.reached_round = round_.number + 1
            nomination.save(update_fields=["shortlisted", "reached_round"])
            log(nomination, "nominations.shortlist" if is_last else "nominations.advance", user=user,
                data={"round": round_.number})
            advanced.append(nomination)
    return advanced


def confirm_call_winners(request, call_id):
    from .release import confirm_winners

    call = get_object_or_404(Call, pk=call_id)
    if not is_chief(request.user):
        raise PermissionDenied
    shortlist = call.nominations.filter(shortlisted=True).select_related("unit__institute", "story")
    if request.method == "POST":
        chosen = [n for n in shortlist if str(n.pk) in request.POST.getlist("winner")]
        try:
            stories = confirm_winners(call, chosen, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已确认 %(n)s 位获选者，并为每人生成了科学家故事草稿，"
                               "汇集在集中宣传专题草稿中，请按编辑审核流程送审。")
                             % {"n": len(stories)})
        return redirect("nominations_winners", call_id=call.pk)
    return render(request, "nominations/winners.html", {
        "call": call, "shortlist": shortlist, "notice_over": call.notice_over(),
        "objections": {n.pk: n.objections.count() for n in shortlist},
    })

