# -*- coding: utf-8 -*-
# Copyright: (c) 2026, together.ai collection maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# This module_utils is internal to together.ai: its API may change without notice. Do not import it.

"""The errors every together.ai module reports, each built once with its context and never edited after.

A caller that knows more (which endpoint, which task step) raises a new error with `within(context)`,
chained to the first one, rather than rewriting the message of an error already raised.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class TogetherError(Exception):
    """Anything that went wrong talking to the Together API, with a one-line message for the user.

    The message is for people; callers decide from the fields, never from its text:
    status, url, error_type and code describe the HTTP exchange that failed (when there was one);
    api_message what the API itself said (its error envelope's message, without this collection's words);
    retriable whether the failure is of a kind that may go away by itself (a timeout, a 5xx, a 429);
    method and path what was sent (never its headers, so never the key); endpoint_id the endpoint it was
    about; partial_result what the module had found before the failure (for example the endpoints as last
    seen when a wait failed), returned next to the message.
    """

    def __init__(self, message, status=None, url=None, error_type=None, code=None, endpoint_id=None,
                 partial_result=None, api_message=None, retriable=False, method=None, path=None):
        super(TogetherError, self).__init__(message)
        self.message = message
        self.status = status
        self.url = url
        self.error_type = error_type
        self.code = code
        self.api_message = api_message
        self.retriable = retriable
        self.method = method
        self.path = path
        self.endpoint_id = endpoint_id
        self.partial_result = dict(partial_result or {})

    def __str__(self):
        return self.message

    def to_result(self):
        """The machine-readable part of the error, for a module's fail_json."""
        return dict(status=self.status, url=self.url, error_type=self.error_type, error_code=self.code)

    def context(self):
        """The keyword arguments that rebuild this error's context (all but the message)."""
        return dict(status=self.status, url=self.url, error_type=self.error_type, code=self.code,
                    api_message=self.api_message, retriable=self.retriable, method=self.method, path=self.path,
                    endpoint_id=self.endpoint_id, partial_result=self.partial_result)

    def sent_as(self, method, path):
        """The same error saying which request it answered (method and URL path), for an error raised before
        the request was known; raise it `from` this one."""
        context = self.context()
        context.update(method=method, path=path)
        return TogetherError(self.message, **context)

    def within(self, where, endpoint_id=None):
        """A new TogetherError saying where this one happened: "<where>: <message>", same context.

        Raise it with `raise exc.within(...) from exc`, so the original stays chained for debugging.
        """
        context = self.context()
        if endpoint_id is not None:
            context["endpoint_id"] = endpoint_id
        return TogetherError("%s: %s" % (where, self.message), **context)


class RetriableError(TogetherError):
    """A failure worth another try (transport errors, timeouts, statuses such as 503), when repeating is safe.

    retry_after is the pause the API asked for (Retry-After), in seconds; reached_server is False only when
    the request surely never got to the server (the connection was never made), which makes even a POST
    safe to send again. The client's retry loop catches it; the caller sees plain(note) instead.
    """

    def __init__(self, message, retry_after=None, reached_server=True, **kwargs):
        kwargs["retriable"] = True
        super(RetriableError, self).__init__(message, **kwargs)
        self.retry_after = retry_after
        self.reached_server = reached_server

    def plain(self, note=""):
        """The error the caller sees, with what the retry loop adds to the message (it never edits this one)."""
        return TogetherError(self.message + note, **self.context())


class OptionError(Exception):
    """A bad combination or value of module options, found before any request."""
