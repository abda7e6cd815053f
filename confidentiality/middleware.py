from lib.request_context import client_ip_from_request, reset_client_ip, set_client_ip


class RequestContextMiddleware:
    """Makes the client address available to the audit helper for the length of a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_client_ip(client_ip_from_request(request))
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)
