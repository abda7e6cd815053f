from lib.request_context import (
    base_url_from_request,
    client_ip_from_request,
    reset_base_url,
    reset_client_ip,
    set_base_url,
    set_client_ip,
)


class RequestContextMiddleware:
    """Makes the client address (for the audit helper) and the address the site was reached at
    (for links in messages and QR codes, lib.urls) available for the length of a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_ip(client_ip_from_request(request))
        base = set_base_url(base_url_from_request(request))
        try:
            return self.get_response(request)
        finally:
            reset_base_url(base)
            reset_client_ip(token)
