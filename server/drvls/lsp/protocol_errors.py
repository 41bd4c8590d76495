"""JSON-RPC error answers for malformed messages, which pygls would otherwise leave unanswered.

pygls turns a request whose params do not fit the LSP schema into an exception inside its read
loop, so the client waits forever for the answer. Here such a request gets an "invalid params"
error answer; a body that is not JSON gets "parse error", one that is JSON but no message gets
"invalid request" (both with a null id, as JSON-RPC says), and a URI holding a NUL byte (no
file system path can) is "invalid params" rather than an internal error later on.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
)
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)


class Answered:
    """Stands in for a message that was already answered with an error (or dropped)."""

    jsonrpc = ""


ANSWERED = Answered()


def _has_nul_uri(value: Any, depth: int = 0) -> bool:
    """True when a `uri`-like field anywhere in `value` holds a NUL byte."""
    if depth > 64:
        return False
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if "\x00" in item and str(key).lower().endswith("uri"):
                    return True
            elif isinstance(item, (dict, list)) and _has_nul_uri(item, depth + 1):
                return True
    elif isinstance(value, list):
        return any(isinstance(item, (dict, list)) and _has_nul_uri(item, depth + 1) for item in value)
    return False


def error_body(msg_id: Any, error: JsonRpcException) -> dict[str, Any]:
    answer = error.to_response_error()
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": answer.code, "message": answer.message}}


class AnswersMalformedMessages(LanguageServerProtocol):
    """A protocol that answers every malformed request with a JSON-RPC error."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        if "jsonrpc" not in data:  # an inner object: structured with its message
            return data
        is_request = "id" in data and "method" in data
        if "method" in data and _has_nul_uri(data.get("params")):
            log.warning("dropped %s: a URI holds a NUL byte", data.get("method"))
            if is_request:
                self.send_error(data["id"], JsonRpcInvalidParams(message="Invalid Params: a URI holds a NUL byte"))
            return ANSWERED
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if is_request:
                self.send_error(data["id"], JsonRpcInvalidParams(
                    message=f"Invalid Params for {data.get('method')}: they do not match the LSP schema"))
            else:
                log.warning("dropped a malformed %s: %s", data.get("method", "message"), exc)
            return ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        if not hasattr(message, "jsonrpc"):  # JSON, but an array, a number, a string…
            self.send_error(None, JsonRpcInvalidRequest())
            return
        super().handle_message(message)

    def send_error(self, msg_id: Any, error: JsonRpcException) -> None:
        self._send_data(error_body(msg_id, error))


def answer_unreadable_body(protocol: AnswersMalformedMessages, error: Exception) -> bool:
    """Answer a message body that is not JSON with a parse error; True when `error` was that."""
    if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
        protocol.send_error(None, JsonRpcParseError())
        return True
    return False
