/*
 * Follows one statesync topic in the browser, the protocol's way: an invalidation names a
 * revision; when it is newer than the one shown, fetch the canonical snapshot and apply it
 * only if it is newer still. Invalidations come from the server-sent event stream
 * (GET statesync/events?topics=settings), snapshots from the REST envelope
 * (GET statesync/topics/settings, {"revision":"N","data":{...}}). On every (re)connect the
 * stream first sends each topic's current revision, so a page that missed invalidations
 * while disconnected catches up on its own.
 *
 * Revisions are unsigned 64-bit decimal strings: compared as BigInt, never as Number (which
 * loses precision above 2^53) nor as strings ("9" > "10").
 *
 * window.statesyncLive exposes what the page applied and when, for tests and for curious
 * humans (open the console).
 */
(() => {
	'use strict';

	const TOPIC = 'settings';
	// relative to the page, so the page also works under a context path
	const EVENTS_URL = 'statesync/events?topics=' + encodeURIComponent(TOPIC);
	const ENVELOPE_URL = 'statesync/topics/' + encodeURIComponent(TOPIC);
	const U64_MAX = 18446744073709551615n;
	const CANONICAL = /^(0|[1-9][0-9]*)$/;
	const MAX_EVENTS_LISTED = 10;
	const MAX_ARRIVALS_KEPT = 1000;
	// a node that answers with an older revision than announced (it has not applied it yet)
	// is asked again after 50 ms, 100 ms, ... up to 2 s, until the announced revision comes
	const LAG_RETRY_FIRST_MS = 50;
	const LAG_RETRY_MAX_MS = 2000;
	// EventSource retries a dropped connection by itself, but gives up for good on an HTTP
	// error (a 502 from a proxy, a 503 while the node starts): then open a new one
	const REOPEN_FIRST_MS = 1000;
	const REOPEN_MAX_MS = 30000;

	const element = (id) => document.getElementById(id);

	/** The revision shown (BigInt), null before the first snapshot. */
	let shown = null;
	/** The newest revision an invalidation or a snapshot announced (BigInt). */
	let announced = 0n;
	let fetching = false;
	let fetchAgain = false;
	let lagRetries = 0;
	let lagTimer = null;
	let source = null;
	let reopenDelay = REOPEN_FIRST_MS;
	const arrivals = [];
	/** When the first invalidation naming a revision arrived, until that revision is applied. */
	const announcedAt = new Map();

	function parseRevision(value) {
		if (typeof value !== 'string' || !CANONICAL.test(value)) {
			throw new Error('not a canonical revision: ' + JSON.stringify(value));
		}
		const revision = BigInt(value);
		if (revision > U64_MAX) {
			throw new Error('revision above the unsigned 64-bit maximum: ' + value);
		}
		return revision;
	}

	function setConnection(state) {
		const connection = element('connection');
		connection.dataset.state = state;
		connection.textContent = state;
	}

	function showError(message) {
		element('error').textContent = message || '';
	}

	function behind() {
		return announced > (shown === null ? 0n : shown);
	}

	function listEvent(invalidation) {
		const item = document.createElement('li');
		const from = invalidation.sourceId ? ' from ' + invalidation.sourceId : '';
		item.textContent = new Date().toISOString() + ' revision ' + invalidation.revision + from;
		const events = element('events');
		events.prepend(item);
		while (events.children.length > MAX_EVENTS_LISTED) {
			events.lastElementChild.remove();
		}
	}

	function render(data) {
		const body = element('values-body');
		body.replaceChildren();
		const entries = (data !== null && typeof data === 'object' && !Array.isArray(data))
			? Object.entries(data) : [['(value)', data]];
		for (const [key, value] of entries) {
			const row = document.createElement('tr');
			const name = document.createElement('th');
			name.scope = 'row';
			name.textContent = key;
			const cell = document.createElement('td');
			// ids stable for tests and scripts: value-theme, value-maxUploadMb, ...
			cell.id = 'value-' + key;
			// textContent, never innerHTML: values are data, not markup
			cell.textContent = (typeof value === 'string') ? value : JSON.stringify(value);
			row.append(name, cell);
			body.append(row);
		}
		element('values').hidden = false;
		element('empty').hidden = true;
	}

	function apply(revision, data) {
		shown = revision;
		if (revision > announced) {
			announced = revision;
			element('announced').textContent = announced.toString();
		}
		render(data);
		const now = Date.now();
		element('revision').textContent = revision.toString();
		element('applied-at').textContent = new Date(now).toISOString();
		const key = revision.toString();
		arrivals.push({ revision: key, announcedAtMs: announcedAt.get(key) ?? null, appliedAtMs: now });
		for (const announcedRevision of announcedAt.keys()) {
			if (BigInt(announcedRevision) <= revision) {
				announcedAt.delete(announcedRevision);
			}
		}
		if (arrivals.length > MAX_ARRIVALS_KEPT) {
			arrivals.shift();
		}
	}

	async function fetchOnce() {
		const headers = { Accept: 'application/json' };
		if (shown !== null) {
			headers['If-None-Match'] = '"' + shown + '"';
		}
		const response = await fetch(ENVELOPE_URL, { headers, cache: 'no-store' });
		if (response.status === 304) {
			// nothing newer than shown (yet)
			return;
		}
		if (response.status === 404 && shown === null) {
			// a node that has no snapshot yet may also answer 404
			return;
		}
		if (!response.ok) {
			throw new Error('GET ' + ENVELOPE_URL + ' answered ' + response.status);
		}
		const envelope = await response.json();
		const revision = parseRevision(envelope.revision);
		// the revision gate: never go back, also when answers cross; revision "0" is
		// "nothing written yet" (the data are the node's defaults): wait for the first write
		if (revision > (shown === null ? 0n : shown)) {
			apply(revision, envelope.data);
		}
	}

	/** At most one fetch in flight and one queued, whatever the rate of invalidations. */
	async function refresh() {
		if (fetching) {
			fetchAgain = true;
			return;
		}
		fetching = true;
		clearTimeout(lagTimer);
		lagTimer = null;
		try {
			do {
				fetchAgain = false;
				await fetchOnce();
			}
			while (fetchAgain);
			showError('');
		}
		catch (error) {
			showError(error.message);
		}
		finally {
			fetching = false;
		}
		if (behind()) {
			// a lagging answer or a failure: ask again, with back-off, until the announced
			// revision arrives; the next invalidation asks at once anyway
			const delay = Math.min(LAG_RETRY_FIRST_MS * 2 ** lagRetries, LAG_RETRY_MAX_MS);
			lagRetries++;
			lagTimer = setTimeout(refresh, delay);
		}
		else {
			lagRetries = 0;
		}
	}

	function onInvalidation(message) {
		let revision;
		let invalidation;
		try {
			invalidation = JSON.parse(message.data);
			if (invalidation.topic !== TOPIC) {
				return;
			}
			revision = parseRevision(invalidation.revision);
		}
		catch (error) {
			// a protocol error: shown, never applied, never fatal
			showError('ignored an invalid invalidation: ' + error.message);
			return;
		}
		listEvent(invalidation);
		if (revision > (shown === null ? 0n : shown) && !announcedAt.has(invalidation.revision)
				&& announcedAt.size < MAX_ARRIVALS_KEPT) {
			announcedAt.set(invalidation.revision, Date.now());
		}
		if (revision > announced) {
			announced = revision;
			element('announced').textContent = announced.toString();
		}
		if (behind()) {
			lagRetries = 0;
			refresh();
		}
	}

	function open() {
		setConnection(source === null ? 'connecting' : 'reconnecting');
		source = new EventSource(EVENTS_URL);
		source.onopen = () => {
			reopenDelay = REOPEN_FIRST_MS;
			setConnection('live');
		};
		source.onmessage = onInvalidation;
		source.onerror = () => {
			if (source.readyState === EventSource.CONNECTING) {
				// EventSource reconnects by itself, sending Last-Event-ID
				setConnection('reconnecting');
				return;
			}
			// EventSource.CLOSED: the browser gave up (an HTTP error or a wrong content type)
			source.close();
			setConnection('closed');
			setTimeout(open, reopenDelay);
			reopenDelay = Math.min(reopenDelay * 2, REOPEN_MAX_MS);
		};
	}

	window.statesyncLive = Object.freeze({
		/** The revision shown, as a string, or null. */
		revision: () => (shown === null ? null : shown.toString()),
		/**
		 * When the page heard of a revision and applied it (Date.now() milliseconds):
		 * {revision, announcedAtMs, appliedAtMs}, announcedAtMs null when a fetch found the
		 * revision before its invalidation came; null if the revision was not applied.
		 */
		arrival: (revision) => arrivals.find((candidate) => candidate.revision === String(revision)) ?? null,
		/** Every revision applied (the last 1000), with when. */
		arrivals: () => arrivals.slice(),
	});

	open();
})();
