import { useEffect, useState } from "react";
import { Route, Routes } from "react-router-dom";
import { currentUser } from "./api/auth.js";
import Layout from "./components/Layout.jsx";
import Login from "./pages/Login.jsx";
import NewPost from "./pages/NewPost.jsx";
import PostDetail from "./pages/PostDetail.jsx";
import PostList from "./pages/PostList.jsx";

export default function App() {
  const [user, setUser] = useState(null);

  useEffect(() => {
    currentUser().then(setUser).catch(() => setUser(null));
  }, []);

  return (
    <Layout user={user} onLogout={() => setUser(null)}>
      <Routes>
        <Route path="/" element={<PostList />} />
        <Route path="/posts/new" element={<NewPost user={user} />} />
        <Route path="/posts/:id" element={<PostDetail user={user} />} />
        <Route path="/login" element={<Login onLogin={setUser} />} />
      </Routes>
    </Layout>
  );
}
