// Follows a topic of a statesync Spring node with the real @statesync/core engine: the subscriber is the
// event stream (read with fetch: Node 20 has no EventSource), the provider the REST envelope. Prints
// "started <revision>", then "applied <revision> <data>" per apply, "error <phase> <message>" per error.
// Run by StateSyncEventStreamMeasurements with -Dstatesync.measure=true -Dstatesync.node.script=<path>;
// place it next to a node_modules holding @statesync/core (npm install @statesync/core).
// usage: node follow-topic.mjs http://localhost:8080 settings
import { createRevisionSync } from '@statesync/core';
const [base, topic] = process.argv.slice(2);
function sseSubscriber(url) {
  return {
    async subscribe(handler) {
      const controller = new AbortController();
      const res = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
      if (!res.ok) throw new Error(`stream answered ${res.status}`);
      (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of res.body) {
            buffer += decoder.decode(chunk, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
              if (data) handler(JSON.parse(data));
            }
          }
        } catch (e) { if (e.name !== 'AbortError') console.log('stream-error ' + e.message); }
      })();
      return () => controller.abort();
    },
  };
}
const handle = createRevisionSync({
  topic,
  subscriber: sseSubscriber(`${base}/statesync/events?topics=${encodeURIComponent(topic)}`),
  provider: {
    async getSnapshot() {
      const res = await fetch(`${base}/statesync/topics/${encodeURIComponent(topic)}`);
      if (!res.ok) throw new Error(`snapshot answered ${res.status}`);
      return res.json();
    },
  },
  applier: { apply(s) { console.log(`applied ${s.revision} ${JSON.stringify(s.data)}`); } },
  onError(ctx) { console.log(`error ${ctx.phase} ${ctx.error?.message}`); },
});
await handle.start();
console.log(`started ${handle.getLocalRevision()}`);
setTimeout(() => { handle.stop(); process.exit(0); }, 30000);
