import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { errorMessage } from "../api/client.js";
import { listPosts } from "../api/posts.js";
import CoverImage from "../components/CoverImage.jsx";

export default function PostList() {
  const [posts, setPosts] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    listPosts()
      .then(setPosts)
      .catch((err) => setError(errorMessage(err)));
  }, []);

  if (error) return <p className="error">Could not load posts: {error}</p>;
  if (!posts) return <p>Loading…</p>;
  if (posts.length === 0) return <p>No posts yet.</p>;

  return (
    <section>
      {posts.map((post) => (
        <article key={post.id} className="post-card">
          <CoverImage name={post.cover} alt="" />
          <h2>
            <Link to={`/posts/${post.id}`}>{post.title}</Link>
          </h2>
          <small>
            {post.author} · {new Date(post.created_at).toLocaleDateString()} · {post.category}
          </small>
        </article>
      ))}
    </section>
  );
}
