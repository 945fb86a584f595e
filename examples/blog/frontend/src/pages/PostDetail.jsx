import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { errorMessage } from "../api/client.js";
import { deletePost, getPost } from "../api/posts.js";
import CoverImage from "../components/CoverImage.jsx";

export default function PostDetail({ user }) {
  const { id } = useParams();
  const navigate = useNavigate();
  const [post, setPost] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    getPost(id)
      .then(setPost)
      .catch((err) => setError(errorMessage(err)));
  }, [id]);

  async function handleDelete() {
    if (!window.confirm("Delete this post?")) return;
    try {
      await deletePost(id);
      navigate("/");
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  if (error) return <p className="error">{error}</p>;
  if (!post) return <p>Loading…</p>;

  return (
    <article>
      <CoverImage name={post.cover} alt={post.title} />
      <h1>{post.title}</h1>
      <small>
        {post.author} · {new Date(post.created_at).toLocaleString()}
      </small>
      {post.body.split("\n\n").map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
      {user && <button onClick={handleDelete}>Delete</button>}
    </article>
  );
}
