import { Link } from "react-router-dom";
import { logout } from "../api/auth.js";

export default function Layout({ user, onLogout, children }) {
  async function handleLogout() {
    await logout();
    onLogout();
  }

  return (
    <>
      <nav>
        <Link to="/">
          <strong>Blog</strong>
        </Link>
        <span className="spacer" />
        {user ? (
          <>
            <Link to="/posts/new">New post</Link>
            <span>{user.username}</span>
            <button onClick={handleLogout}>Log out</button>
          </>
        ) : (
          <Link to="/login">Log in</Link>
        )}
      </nav>
      <main>{children}</main>
      <footer>
        Running the backend locally? Its interactive API docs are at http://localhost:8000/docs.
      </footer>
    </>
  );
}
