import hmac
import secrets

from fastapi import APIRouter, Cookie, Depends, HTTPException, Response
from pydantic import BaseModel

from .. import config

router = APIRouter(prefix="/auth", tags=["auth"])

# token -> username; lost on restart, which is fine for a demo.
_sessions: dict[str, str] = {}


class Credentials(BaseModel):
    username: str
    password: str


def current_user(blog_session: str | None = Cookie(default=None)) -> str:
    username = _sessions.get(blog_session or "")
    if username is None:
        raise HTTPException(status_code=401, detail="Not logged in")
    return username


@router.post("/login")
def login(credentials: Credentials, response: Response):
    ok_user = hmac.compare_digest(credentials.username.encode(), config.ADMIN_USERNAME.encode())
    ok_password = hmac.compare_digest(credentials.password.encode(), config.ADMIN_PASSWORD.encode())
    if not (ok_user and ok_password):
        raise HTTPException(status_code=401, detail="Wrong username or password")
    token = secrets.token_urlsafe(32)
    _sessions[token] = credentials.username
    response.set_cookie(
        config.SESSION_COOKIE,
        token,
        max_age=config.SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
    )
    return {"username": credentials.username}


@router.post("/logout")
def logout(response: Response, blog_session: str | None = Cookie(default=None)):
    _sessions.pop(blog_session or "", None)
    response.delete_cookie(config.SESSION_COOKIE)
    return {"ok": True}


@router.get("/me")
def me(username: str = Depends(current_user)):
    return {"username": username}
