from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .models import PublishJob


class PublishJobsView(LoginRequiredMixin, TemplateView):
    template_name = "publish/jobs.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "jobs": PublishJob.objects.all()[:50]}
