"""Wire shapes of the HTTP API: Rasa's REST channel request and response, and our errors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_SENDER_CHARS = 255
MAX_MESSAGE_ID_CHARS = 128
MAX_METADATA_DEPTH = 16


class RestMessageIn(BaseModel):
    """A message posted to Rasa's REST channel; unknown keys are ignored, as Rasa does."""

    model_config = ConfigDict(strict=True, extra="ignore")

    sender: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_SENDER_CHARS,
        description='The conversation id; "default" when missing, as in Rasa.',
    )
    message: str = Field(description="The user's text, or a button payload such as /greet.")
    metadata: dict[str, Any] | None = Field(
        default=None,
        description="Free-form; `message_id` (string or integer) makes redelivery safe.",
    )


class RasaButtonOut(BaseModel):
    """A button as Rasa sends it."""

    title: str
    payload: str


class RasaMessageOut(BaseModel):
    """One reply as Rasa's REST channel sends it; keys without a value are left out."""

    recipient_id: str
    text: str | None = None
    buttons: list[RasaButtonOut] | None = None
    image: str | None = None
    custom: dict[str, Any] | None = None


class ErrorDetailOut(BaseModel):
    """One invalid field."""

    field: str
    message: str


class ErrorOut(BaseModel):
    """What went wrong: a stable code, a readable message, the invalid fields on 422."""

    code: str
    message: str
    details: list[ErrorDetailOut] | None = None


class ErrorResponseOut(BaseModel):
    """The body of every error response."""

    error: ErrorOut


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting the error shape for `statuses`."""
    return {status: {"model": ErrorResponseOut} for status in statuses}
