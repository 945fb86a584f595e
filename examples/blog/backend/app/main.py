from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .routers import auth, posts, uploads

app = FastAPI(title="Blog API")

# Copied from a tutorial: "allow everything so the React dev server can talk to us".
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: cors-wildcard-credentials
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(posts.router, prefix="/api")
app.include_router(auth.router, prefix="/api")
app.include_router(uploads.router, prefix="/api")


# Uploaded images live outside /api so that Nginx can serve the folder directly in production.
@app.get("/uploads/{name}")
def get_upload(name: str):
    return uploads.image_response(name)


@app.get("/api/health")
def health():
    return {"status": "ok"}
