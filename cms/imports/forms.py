from django import forms
from django.utils.translation import gettext_lazy as _

from cms.moderation.roles import is_contributor
from cms.resources.models import ContributionAreaPage


def areas_for(user):
    """The contribution areas a user may import into: their institute's, or any for editorial staff."""
    areas = ContributionAreaPage.objects.select_related("institute").order_by("title")
    if is_contributor(user):
        return areas.filter(institute_id=user.institute_id) if user.institute_id else areas.none()
    return areas


class ImportUploadForm(forms.Form):
    area = forms.ModelChoiceField(label=_("导入到投稿区"), queryset=ContributionAreaPage.objects.none(),
                                  empty_label=_("请选择机构投稿区"))
    sheet = forms.FileField(label=_("表格（XLSX 或 CSV）"), help_text=_("请使用下载的模板，每行一项资源。"))
    archive = forms.FileField(label=_("文件包（ZIP，可选）"), required=False,
                              help_text=_("表格“文件”列中列出的文件，放在一个 ZIP 文件里。"))
    submit_for_review = forms.BooleanField(label=_("导入后提交机构投稿审核"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(user)
