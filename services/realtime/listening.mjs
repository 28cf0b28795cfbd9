// RoomListening (twenty.realtime.v1.RealtimeService) as the module entry answers it: Connect JSON
// straight from the room, without Go, since the records relay asks it before every publish. A
// request in another codec is left to Go (undefined), which serves the whole contract.

export const ROOM_LISTENING = "/twenty.realtime.v1.RealtimeService/RoomListening";

function connectError(status, code, message) {
  return Response.json({ code, message }, { status });
}

// roomListening answers request from the room stubOf(workspaceId) returns.
export async function roomListening(request, stubOf) {
  if (!(request.headers.get("content-type") || "").startsWith("application/json")) return undefined;
  let workspaceId;
  try {
    ({ workspaceId } = await request.json());
  } catch {
    return connectError(400, "invalid_argument", "request is not JSON");
  }
  if (typeof workspaceId !== "string" || workspaceId === "") {
    return connectError(400, "invalid_argument", "workspace id is required");
  }
  const res = await stubOf(workspaceId).fetch("http://room/listening", { method: "POST" });
  if (!res.ok) return connectError(503, "unavailable", `room answered ${res.status}`);
  const { listening } = await res.json();
  return Response.json({ listening: listening === true });
}
