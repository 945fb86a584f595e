import { api } from "./client.js";

export async function listPosts() {
  const { data } = await api.get("/posts");
  return data;
}

export async function getPost(id) {
  const { data } = await api.get(`/posts/${id}`);
  return data;
}

export async function createPost(post) {
  const { data } = await api.post("/posts", post);
  return data;
}

export async function deletePost(id) {
  await api.delete(`/posts/${id}`);
}
