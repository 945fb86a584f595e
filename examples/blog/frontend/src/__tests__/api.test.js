// Integration test against a running backend: `uvicorn app.main:app` in ../backend.
import { describe, expect, it } from "vitest";

const API = "http://localhost:8000/api";

describe("blog API", () => {
  it("lists posts", async () => {
    const res = await fetch(`${API}/posts`);
    expect(res.status).toBe(200);
    const posts = await res.json();
    expect(Array.isArray(posts)).toBe(true);
  });

  it("rejects a wrong password", async () => {
    const res = await fetch(`${API}/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "nope" }),
    });
    expect(res.status).toBe(401);
  });
});
