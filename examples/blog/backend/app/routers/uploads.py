import re
import secrets

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse

from .. import config
from .auth import current_user

router = APIRouter(prefix="/uploads", tags=["uploads"])

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
_NAME = re.compile(r"[A-Za-z0-9_-]{16,64}\.(png|jpg|gif|webp)")


@router.post("", status_code=201, dependencies=[Depends(current_user)])
async def upload_image(request: Request):
    # The client sends the file as the raw request body, so no multipart parser is needed.
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    extension = _EXTENSIONS.get(content_type)
    if extension is None:
        raise HTTPException(status_code=415, detail="Only PNG, JPEG, GIF and WebP images")
    data = await request.body()
    if not data:
        raise HTTPException(status_code=400, detail="Empty upload")
    if len(data) > config.MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="Image too large")
    name = f"{secrets.token_urlsafe(16)}.{extension}"
    config.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    (config.UPLOAD_DIR / name).write_bytes(data)
    return {"name": name, "size": len(data)}


def image_response(name: str) -> FileResponse:
    # Only names this module generated: no path separators, no "..".
    if not _NAME.fullmatch(name):
        raise HTTPException(status_code=404, detail="Not found")
    path = config.UPLOAD_DIR / name
    if not path.is_file():
        raise HTTPException(status_code=404, detail="Not found")
    return FileResponse(path)
