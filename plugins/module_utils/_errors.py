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

    status, url, error_type and code describe the HTTP exchange that failed (when there was one);
    endpoint_id the endpoint it was about; partial_result what the module had found before the failure
    (for example the endpoints as last seen when a wait failed), returned next to the message.
    """

    def __init__(self, message, status=None, url=None, error_type=None, code=None, endpoint_id=None,
                 partial_result=None):
        super(TogetherError, self).__init__(message)
        self.message = message
        self.status = status
        self.url = url
        self.error_type = error_type
        self.code = code
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
                    endpoint_id=self.endpoint_id, partial_result=self.partial_result)

    def within(self, where, endpoint_id=None):
        """A new TogetherError saying where this one happened: "<where>: <message>", same context.

        Raise it with `raise exc.within(...) from exc`, so the original stays chained for debugging.
        """
        context = self.context()
        if endpoint_id is not None:
            context["endpoint_id"] = endpoint_id
        return TogetherError("%s: %s" % (where, self.message), **context)


class OptionError(Exception):
    """A bad combination or value of module options, found before any request."""
