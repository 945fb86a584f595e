import { api } from "./client.js";

export async function login(username, password) {
  const { data } = await api.post("/auth/login", { username, password });
  return data;
}

export async function logout() {
  await api.post("/auth/logout");
}

export async function currentUser() {
  try {
    const { data } = await api.get("/auth/me");
    return data;
  } catch (error) {
    if (error.response?.status === 401) return null;
    throw error;
  }
}
