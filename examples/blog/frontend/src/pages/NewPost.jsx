import { useEffect, useState } from "react";
import { Navigate, useNavigate } from "react-router-dom";
import { api, errorMessage } from "../api/client.js";
import { createPost } from "../api/posts.js";

export default function NewPost({ user }) {
  const navigate = useNavigate();
  const [categories, setCategories] = useState([]);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [category, setCategory] = useState("general");
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    // A static list shipped in public/, served by Vite and by the production web server alike.
    fetch("/categories.json")
      .then((res) => res.json())
      .then(setCategories)
      .catch(() => setCategories([{ id: "general", label: "General" }]));
  }, []);

  if (!user) return <Navigate to="/login" replace />;

  async function handleSubmit(event) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      let cover = null;
      if (file) {
        // The backend reads the raw body; the Content-Type tells it the image format.
        const { data } = await api.post("/uploads", file, {
          headers: { "Content-Type": file.type },
        });
        cover = data.name;
      }
      const post = await createPost({ title, body, category, cover });
      navigate(`/posts/${post.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setSaving(false);
    }
  }

  return (
    <form onSubmit={handleSubmit}>
      <h1>New post</h1>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required />
      </label>
      <label>
        Category
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Cover image
        <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(e) => setFile(e.target.files[0] ?? null)} />
      </label>
      <label>
        Body
        <textarea rows={10} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {error && <p className="error">{error}</p>}
      <button type="submit" disabled={saving}>
        {saving ? "Publishing…" : "Publish"}
      </button>
    </form>
  );
}
