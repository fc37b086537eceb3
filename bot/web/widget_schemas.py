"""Wire shapes of the widget API (``/widget/v1/``), documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot.web.fields import storable

MAX_TEXT_CHARS = 20_000
#: Text that can be stored and hashed: no lone surrogates.
Text = Annotated[str, AfterValidator(storable)]


class SessionIn(BaseModel):
    """A widget opening on a partner's page; unknown keys are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")

    site_key: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="The site's key."
    )
    session_id: Text | None = Field(
        default=None,
        max_length=256,
        description="The browser's own session id (16-64 of A-Z a-z 0-9 _ -); a new one "
        "is made when it is missing or not of that form.",
    )
    language: Text | None = Field(default=None, max_length=35, description="The page's language.")
    user_id: Text | None = Field(default=None, max_length=256, description="A signed-in member.")
    user_hash: Text | None = Field(
        default=None, max_length=256, description="Hex HMAC-SHA256 of user_id, site secret as key."
    )


class MessageIn(BaseModel):
    """The visitor's text, or a button's payload, with the id that makes a retry safe."""

    model_config = ConfigDict(strict=True, extra="ignore")

    client_message_id: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[!-~]+$",
        description="The browser's id of this message (printable ASCII); a retry repeats it.",
    )
    text: str = Field(max_length=MAX_TEXT_CHARS, description="Text, or a button's payload.")


class ButtonOut(BaseModel):
    """A button: show the title, send the payload as the message's text."""

    title: str
    payload: str


class MessageOut(BaseModel):
    """One message of the conversation; its text is plain (a safe Markdown subset), never HTML."""

    seq: int = Field(description="Place in the conversation's log; negative when not logged.")
    role: Literal["user", "bot"]
    text: str | None
    buttons: list[ButtonOut]
    timestamp: float


class SiteOut(BaseModel):
    """The partner site's name and branding, for the widget's defaults."""

    name: str
    title: str | None
    greeting: str | None
    colour: str | None
    privacy_url: str


class SessionOut(BaseModel):
    """A widget session: its id (kept by the browser), its token, words and history."""

    session_id: str
    token: str
    language: str
    identified: bool
    site: SiteOut
    strings: dict[str, str]
    history: list[MessageOut]


class MessagesOut(BaseModel):
    """The assistant's replies to one message."""

    messages: list[MessageOut]


class HistoryOut(BaseModel):
    """The conversation's messages since its last restart."""

    messages: list[MessageOut]
