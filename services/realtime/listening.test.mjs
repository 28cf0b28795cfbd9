import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStreams, handleEventRequest } from "./eventroom.mjs";
import { roomListening, ROOM_LISTENING } from "./listening.mjs";

const alice = { userWorkspaceId: "uw-a" };

// roomsOf is stubOf over real EventStreams, one per workspace, served by handleEventRequest.
function roomsOf(byWorkspace) {
  const asked = [];
  const stubOf = (ws) => ({
    fetch: (url, init) => {
      asked.push(ws);
      byWorkspace[ws] ??= new EventStreams();
      return handleEventRequest(byWorkspace[ws], new Request(url, init));
    },
  });
  return { stubOf, asked };
}

function listeningRequest(body, contentType = "application/json") {
  return new Request("http://internal" + ROOM_LISTENING, { method: "POST", headers: { "content-type": contentType }, body });
}

test("RoomListening answers from the room whether an event stream is open", async () => {
  const rooms = { busy: new EventStreams() };
  rooms.busy.open({ eventStreamId: "s1", ...alice });
  const { stubOf, asked } = roomsOf(rooms);
  for (const [ws, want] of [["busy", true], ["idle", false]]) {
    const res = await roomListening(listeningRequest(JSON.stringify({ workspaceId: ws })), stubOf);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { listening: want });
  }
  assert.deepEqual(asked, ["busy", "idle"]);
  // A stream that closed leaves the room idle again.
  rooms.busy.close(rooms.busy.streams.get("s1"), true);
  const res = await roomListening(listeningRequest(JSON.stringify({ workspaceId: "busy" })), stubOf);
  assert.deepEqual(await res.json(), { listening: false });
});

test("RoomListening refuses a request without a workspace and leaves other codecs to Go", async () => {
  const { stubOf, asked } = roomsOf({});
  for (const body of ["{}", JSON.stringify({ workspaceId: 3 }), "not json"]) {
    const res = await roomListening(listeningRequest(body), stubOf);
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, "invalid_argument");
  }
  assert.equal(await roomListening(listeningRequest(new Uint8Array([10, 1, 120]), "application/proto"), stubOf), undefined);
  assert.deepEqual(asked, []);
});
