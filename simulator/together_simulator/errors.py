"""API errors and the two error envelopes the simulator can answer with.

The classic envelope is the spec's ErrorData. The "RPC" envelope is the second shape the
together 3.1.1 CLI knows how to parse for v2 routes; which one the live v2 API sends is unknown.
"""

# HTTP status -> gRPC status code, for the RPC envelope (google.rpc.Code numbers).
GRPC_CODES = {
    400: 3,   # INVALID_ARGUMENT
    401: 16,  # UNAUTHENTICATED
    403: 7,   # PERMISSION_DENIED
    404: 5,   # NOT_FOUND
    405: 12,  # UNIMPLEMENTED
    409: 10,  # ABORTED
    429: 8,   # RESOURCE_EXHAUSTED
    500: 13,  # INTERNAL
    502: 14,  # UNAVAILABLE
    503: 14,  # UNAVAILABLE
    504: 4,   # DEADLINE_EXCEEDED
}

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    409: "invalid_request_error",
    429: "rate_limit_error",
}


def error_type_for(status):
    """The ErrorData `type` the simulator uses for a status (the live values are unknown beyond 401)."""
    return ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


class ApiError(Exception):
    """An API answer that is an error: raised by route handlers, rendered by the server."""

    def __init__(self, status, message, code=None, param=None, error_type=None, headers=None, grpc_code=None, top_level=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.error_type = error_type or error_type_for(status)
        self.headers = dict(headers or {})
        self.grpc_code = grpc_code
        self.top_level = dict(top_level or {})  # keys beside "error", e.g. the request "id" inference errors carry

    def classic_body(self):
        """The spec's ErrorData."""
        body = dict(self.top_level)
        body["error"] = {"message": self.message, "type": self.error_type, "param": self.param, "code": self.code}
        return body

    def rpc_body(self):
        """The google.rpc.Status-like envelope: {"code": int, "message": str, "details": [...]}."""
        detail = {"reason": self.code or self.error_type, "detail": self.message}
        if self.param:
            detail["field"] = self.param
        code = self.grpc_code if self.grpc_code is not None else GRPC_CODES.get(self.status, 2)
        return {"code": code, "message": self.message, "details": [detail]}

    def body(self, error_format="classic"):
        """The body in the requested envelope ("classic" or "rpc")."""
        return self.rpc_body() if error_format == "rpc" else self.classic_body()


def bad_request(message, param=None, code=None):
    """A 400 for a request the simulator refuses, naming the offending field when there is one."""
    return ApiError(400, message, code=code, param=param)


def not_found(message, code=None):
    return ApiError(404, message, code=code)


def conflict(message, code=None, grpc_code=None):
    return ApiError(409, message, code=code, grpc_code=grpc_code)
