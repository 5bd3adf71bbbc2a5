# Shim for the seed (shared/seed/000_745aa4d756e45f8d.txt §3.1, §5.1); not FastAPI. changes: n/a.


class HTTPAuthorizationCredentials:
    def __init__(self, scheme="Bearer", credentials=""):
        self.scheme = scheme
        self.credentials = credentials


class HTTPBearer:
    def __init__(self, auto_error=True, **kwargs):
        self.auto_error = auto_error

    async def __call__(self, request):
        value = request.headers.get("Authorization") or ""
        scheme, _, credentials = value.partition(" ")
        return HTTPAuthorizationCredentials(scheme, credentials)
