from datetime import datetime, timezone
from itertools import count

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel

from .auth import current_user

router = APIRouter(prefix="/posts", tags=["posts"])


class PostIn(BaseModel):
    title: str
    body: str
    category: str = "general"
    cover: str | None = None


class Post(PostIn):
    id: int
    author: str
    created_at: datetime


_posts: dict[int, Post] = {}
_next_id = count(1)


def _add(data: PostIn, author: str) -> Post:
    post = Post(id=next(_next_id), author=author, created_at=datetime.now(timezone.utc), **data.dict())
    _posts[post.id] = post
    return post


_add(PostIn(title="Hello, blog", body="First post. Uploads, comments and tags are on the way."), "admin")
_add(
    PostIn(
        title="Why our API lives under /api",
        body="One prefix for the backend keeps the dev proxy and the production Nginx config short.",
        category="engineering",
    ),
    "admin",
)


@router.get("")
def list_posts() -> list[Post]:
    return sorted(_posts.values(), key=lambda p: p.created_at, reverse=True)


@router.get("/{post_id}")
def get_post(post_id: int) -> Post:
    post = _posts.get(post_id)
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return post


@router.post("", status_code=201)
def create_post(data: PostIn, username: str = Depends(current_user)) -> Post:
    if not data.title.strip():
        raise HTTPException(status_code=422, detail="Title is required")
    return _add(data, username)


@router.delete("/{post_id}", status_code=204, dependencies=[Depends(current_user)])
def delete_post(post_id: int):
    if _posts.pop(post_id, None) is None:
        raise HTTPException(status_code=404, detail="Post not found")
