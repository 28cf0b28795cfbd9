// The Worker's module entry: one Go instance per isolate serves every event (shared/js/glue.mjs).
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";

export default createWorker(mod);
