import axios from "axios";

// One axios instance for the whole app; every request sends the session cookie.
export const api = axios.create({
  baseURL: "http://localhost:8000/api", // expect: hardcoded-localhost-url
  withCredentials: true,
});

export function errorMessage(error) {
  return error.response?.data?.detail ?? error.message;
}
