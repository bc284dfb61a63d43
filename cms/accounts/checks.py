from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    if settings.KEPU_REQUIRE_SECOND_FACTOR:
        return []
    return [Warning(
        "主编和管理员登录不要求两步验证。 / The second factor is not required of chief editors and superusers.",
        hint="Unset KEPU_REQUIRE_SECOND_FACTOR (or set it to 1) in the production environment.",
        id="kepu.W001",
    )]
