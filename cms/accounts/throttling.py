"""The client address django-axes counts failed logins against."""


def client_address(request):
    """Behind nginx (deploy/nginx.conf appends the peer to X-Forwarded-For), the last address in that
    header is the one nginx saw; anything before it came from the client and proves nothing."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")
