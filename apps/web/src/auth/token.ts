// The access token lives in localStorage so a reload keeps the session; logout revokes it at the api too.
const TOKEN_KEY = 'zs.token';

export function readToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}
