// The Yonder web viewer (protocol.md §20): shows the display's screen in a canvas and
// sends the keyboard, mouse, wheel and touch to it. Served by yonder-server itself; no
// build step, no dependency.
//
// The credential comes in the address's fragment (#cookie=HEX), which browsers never
// send to a server: it is read once, kept in memory and removed from the address bar.
'use strict';

(() => {
  const canvas = document.getElementById('screen');
  const ctx = canvas.getContext('2d', { alpha: false });
  const keys = document.getElementById('keys');
  const view = document.getElementById('view');
  const state = document.getElementById('state');
  const scaleButton = document.getElementById('scale');
  const message = document.getElementById('message');
  const reason = document.getElementById('reason');
  const ask = document.getElementById('ask');
  const fitScreen = document.getElementById('fitscreen');

  // Rectangle encodings (protocol.md §20.5).
  const SOLID = 1;
  const ATLAS = 2;
  const COPY = 3;

  // The connection's inflater: every frame's atlas comes through one deflate stream
  // (what earlier frames held makes later ones smaller), flushed at each frame's end.
  let inflater = null;
  function newInflater() {
    const ds = new DecompressionStream('deflate-raw');
    return { writer: ds.writable.getWriter(), reader: ds.readable.getReader(),
      left: null, off: 0 };
  }
  async function inflate(bytes, want) {
    const z = inflater;
    z.writer.write(bytes.slice());
    const out = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      if (!z.left || z.off >= z.left.length) {
        const { value, done } = await z.reader.read();
        if (done) throw new Error('the frame stream ended');
        z.left = value;
        z.off = 0;
        continue;
      }
      const n = Math.min(want - got, z.left.length - z.off);
      out.set(z.left.subarray(z.off, z.off + n), got);
      got += n;
      z.off += n;
    }
    return out;
  }

  // What tests and bench/web.sh read: frames painted, bytes received, and the time of
  // the last paint (performance.now(), taken in the animation frame after drawing).
  const stats = { frames: 0, bytes: 0, rects: 0, lastPaint: 0, connected: false,
    viewOnly: false, refused: null, width: 0, height: 0, clipboards: 0, pastes: 0,
    drops: 0, copies: 0 };
  window.yonder = stats;

  let cookie = null;
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('cookie')) {
    cookie = hash.get('cookie');
    history.replaceState(null, '', location.pathname + location.search);
  }
  // #…&resize=1: this viewer sets the screen's size to its page's, and keeps it so.
  const followPage = hash.get('resize') === '1';

  let ws = null;
  let fit = true;
  let refused = false;
  let retry = 250;
  // Frames are painted strictly in order: each waits for the one before.
  let painting = Promise.resolve();

  function show(text, askForCookie) {
    reason.textContent = text;
    ask.hidden = !askForCookie;
    message.hidden = false;
    canvas.hidden = true;
    state.textContent = text;
  }

  function connect() {
    if (!cookie) {
      show('This display needs a viewer credential: open the address that ' +
        '"yonder-server --print-web-url" prints, or paste the credential here.', true);
      return;
    }
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(`${scheme}//${location.host}/ws`);
    ws.binaryType = 'arraybuffer';
    inflater = newInflater();
    painting = Promise.resolve();
    ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', cookie }));
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') {
        text(JSON.parse(e.data));
      } else {
        stats.bytes += e.data.byteLength;
        const data = e.data;
        // A frame that cannot be painted leaves the page behind the server's stream:
        // start afresh on a new connection.
        painting = painting.then(() => frame(data)).catch((err) => {
          console.error(err);
          if (ws) ws.close();
        });
      }
    };
    ws.onclose = () => {
      stats.connected = false;
      releaseAll();
      if (refused) return;
      state.textContent = 'disconnected: trying again…';
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    };
  }

  function text(m) {
    switch (m.t) {
      case 'welcome':
        retry = 250;
        stats.connected = true;
        stats.viewOnly = m.view_only;
        message.hidden = true;
        canvas.hidden = false;
        resize(m.width, m.height);
        state.textContent = `${location.host}: ${m.width}×${m.height}` +
          (m.view_only ? ' (view only)' : '');
        fitScreen.hidden = m.view_only;
        keys.focus();
        if (followPage && !m.view_only) askForPageSize();
        break;
      case 'notice':
        state.textContent = m.text;
        break;
      case 'clipboard':
        toBrowserClipboard(m.items);
        break;
      case 'refused':
        refused = true;
        stats.refused = m.reason;
        show(`Refused: ${m.reason}`, false);
        break;
      case 'cursor':
        canvas.style.cursor = m.css;
        break;
    }
  }

  function resize(w, h) {
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    stats.width = w;
    stats.height = h;
    layout();
  }

  // Fit: the whole screen in the page, never enlarged; 1:1: one screen pixel a CSS
  // pixel, scrolled. The screen's own size never follows the page's.
  function layout() {
    const w = canvas.width;
    const h = canvas.height;
    let s = 1;
    if (fit) {
      s = Math.min(1, view.clientWidth / w, view.clientHeight / h);
    }
    canvas.style.width = `${Math.floor(w * s)}px`;
    canvas.style.height = `${Math.floor(h * s)}px`;
    view.classList.toggle('actual', !fit);
    scaleButton.textContent = fit ? '1:1' : 'Fit';
  }
  window.addEventListener('resize', () => {
    layout();
    if (followPage && !stats.viewOnly) {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(askForPageSize, 250);
    }
  });
  let resizeTimer = 0;
  function askForPageSize() {
    send({ t: 'resize', w: Math.floor(view.clientWidth), h: Math.floor(view.clientHeight) });
  }
  fitScreen.addEventListener('click', askForPageSize);
  scaleButton.addEventListener('click', () => { fit = !fit; layout(); });

  async function frame(buf) {
    const d = new DataView(buf);
    const seq = d.getUint32(1, true);
    const n = d.getUint16(9, true);
    resize(d.getUint16(5, true), d.getUint16(7, true));
    let at = 11;
    const rects = [];
    for (let i = 0; i < n; i++) {
      const x = d.getUint16(at, true);
      const y = d.getUint16(at + 2, true);
      const w = d.getUint16(at + 4, true);
      const h = d.getUint16(at + 6, true);
      const enc = d.getUint8(at + 8);
      const len = d.getUint32(at + 9, true);
      const bytes = new Uint8Array(buf, at + 13, len);
      at += 13 + len;
      rects.push({ x, y, w, h, enc, bytes });
    }
    const aw = d.getUint32(at, true);
    const ah = d.getUint32(at + 4, true);
    const zlen = d.getUint32(at + 8, true);
    let atlas = null;
    if (aw && ah) {
      atlas = await inflate(new Uint8Array(buf, at + 12, zlen), aw * ah * 3);
    }
    for (const r of rects) {
      if (r.enc === COPY) {
        const v = new DataView(r.bytes.buffer, r.bytes.byteOffset, 4);
        ctx.drawImage(canvas, v.getUint16(0, true), v.getUint16(2, true), r.w, r.h,
          r.x, r.y, r.w, r.h);
        stats.copies += 1;
      } else if (r.enc === SOLID) {
        const [red, green, blue] = r.bytes;
        ctx.fillStyle = `rgb(${red},${green},${blue})`;
        ctx.fillRect(r.x, r.y, r.w, r.h);
      } else if (r.enc === ATLAS && atlas) {
        const v = new DataView(r.bytes.buffer, r.bytes.byteOffset, 4);
        const ax = v.getUint16(0, true);
        const ay = v.getUint16(2, true);
        const img = ctx.createImageData(r.w, r.h);
        const px = img.data;
        for (let y = 0; y < r.h; y++) {
          let from = ((ay + y) * aw + ax) * 3;
          let to = y * r.w * 4;
          for (let x = 0; x < r.w; x++) {
            px[to] = atlas[from];
            px[to + 1] = atlas[from + 1];
            px[to + 2] = atlas[from + 2];
            px[to + 3] = 255;
            from += 3;
            to += 4;
          }
        }
        ctx.putImageData(img, r.x, r.y);
      }
    }
    stats.rects += n;
    requestAnimationFrame(() => {
      stats.frames += 1;
      stats.lastPaint = performance.now();
      send({ t: 'ack', seq });
    });
  }

  function send(m) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  }

  // Pointer: screen coordinates from the canvas's place and scale.
  function at(e) {
    const r = canvas.getBoundingClientRect();
    return {
      x: (e.clientX - r.left) * canvas.width / r.width,
      y: (e.clientY - r.top) * canvas.height / r.height,
    };
  }
  canvas.addEventListener('pointermove', (e) => {
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    const last = events.length ? events[events.length - 1] : e;
    send({ t: 'move', ...at(last) });
  });
  canvas.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    keys.focus({ preventScroll: true });
    canvas.setPointerCapture(e.pointerId);
    send({ t: 'move', ...at(e) });
    send({ t: 'button', b: e.button, down: true });
  });
  canvas.addEventListener('pointerup', (e) => {
    send({ t: 'move', ...at(e) });
    send({ t: 'button', b: e.button, down: false });
  });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    send({ t: 'move', ...at(e) });
    send({ t: 'wheel', dx: e.deltaX, dy: e.deltaY, mode: e.deltaMode });
  }, { passive: false });

  // Keyboard: keys by what the layout made of them (`key`), sent as they go down and
  // up. Dead keys and input methods compose in the hidden text area; what they compose
  // is sent as text.
  const held = new Map();
  let composing = false;
  function typesNothing(e) {
    return e.key === 'Dead' || e.key === 'Process' || e.keyCode === 229 || e.isComposing;
  }
  keys.addEventListener('keydown', (e) => {
    if (typesNothing(e) || composing) return;
    if (isPaste(e)) {
      // The browser's paste event brings its clipboard: it goes to the display first,
      // then the key (see 'paste' below).
      pasteKey = { key: e.key, code: e.code, location: e.location };
      pasteTimer = setTimeout(() => { if (pasteKey) pasteThen(null); }, 300);
      return;
    }
    e.preventDefault();
    held.set(e.code || e.key, { key: e.key, location: e.location });
    send({ t: 'key', key: e.key, code: e.code, location: e.location, down: true,
      repeat: e.repeat });
  });
  keys.addEventListener('keyup', (e) => {
    const k = held.get(e.code || e.key);
    if (k === undefined) return;
    e.preventDefault();
    held.delete(e.code || e.key);
    send({ t: 'key', key: k.key, code: e.code, location: k.location, down: false });
  });
  keys.addEventListener('compositionstart', () => { composing = true; });
  keys.addEventListener('compositionend', (e) => {
    composing = false;
    if (e.data) send({ t: 'text', text: e.data });
    keys.value = '';
  });
  keys.addEventListener('input', (e) => {
    if (composing || e.isComposing) return;
    if (e.data) send({ t: 'text', text: e.data });
    keys.value = '';
  });
  // Ctrl+V, Shift+Insert, Cmd+V: pastes.
  let pasteKey = null;
  let pasteTimer = 0;
  function isPaste(e) {
    return ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'v' || e.key === 'V')) ||
      (e.shiftKey && e.key === 'Insert');
  }
  keys.addEventListener('paste', (e) => {
    e.preventDefault();
    pasteThen(e.clipboardData);
  });
  async function pasteThen(data) {
    const k = pasteKey;
    pasteKey = null;
    clearTimeout(pasteTimer);
    if (data) {
      const items = [];
      const text = data.getData('text/plain');
      if (text) items.push({ mime: 'text/plain', bytes: new TextEncoder().encode(text) });
      for (const item of data.items) {
        if (item.kind === 'file' && item.type === 'image/png') {
          const f = item.getAsFile();
          if (f) items.push({ mime: 'image/png', bytes: new Uint8Array(await f.arrayBuffer()) });
        }
      }
      if (items.length) {
        sendChunks(items, (mime, chunk, last) => ({ t: 'clip', mime, data: chunk, last }));
        stats.pastes += 1;
      }
    }
    if (k) {
      send({ t: 'key', ...k, down: true, repeat: false });
      send({ t: 'key', ...k, down: false });
    }
  }

  // Large content goes in chunks of 36 KiB (48 KiB of base64), the last one marked.
  const CHUNK = 36 * 1024;
  function sendChunks(items, message) {
    items.forEach((item, i) => {
      const n = Math.max(1, Math.ceil(item.bytes.length / CHUNK));
      for (let c = 0; c < n; c++) {
        const part = item.bytes.subarray(c * CHUNK, (c + 1) * CHUNK);
        const last = i === items.length - 1 && c === n - 1;
        send(message(item.mime, base64(part), last));
      }
    });
  }
  function base64(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s);
  }
  function unbase64(text) {
    const s = atob(text);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  // What an app copied, onto the browser's clipboard: through the asynchronous
  // Clipboard API where the browser allows it (a secure context: HTTPS or loopback),
  // else kept for the next copy the user makes in the page.
  let lastCopy = null;
  async function toBrowserClipboard(items) {
    const blobs = {};
    for (const it of items) {
      const mime = it.mime === 'text/plain' ? 'text/plain' : it.mime;
      blobs[mime] = new Blob([unbase64(it.data)], { type: mime });
    }
    lastCopy = blobs;
    try {
      if (navigator.clipboard && window.ClipboardItem) {
        await navigator.clipboard.write([new ClipboardItem(blobs)]);
      } else if (navigator.clipboard && blobs['text/plain']) {
        await navigator.clipboard.writeText(await blobs['text/plain'].text());
      } else {
        return;
      }
      stats.clipboards += 1;
    } catch (err) {
      state.textContent = 'copied in the display: press Ctrl+C here to copy it to this computer';
    }
  }
  document.addEventListener('copy', async (e) => {
    if (!lastCopy || !lastCopy['text/plain']) return;
    e.preventDefault();
    e.clipboardData.setData('text/plain', await lastCopy['text/plain'].text());
  });

  // A file dropped on the screen: dragged onto the window under the drop point.
  view.addEventListener('dragover', (e) => {
    if (stats.viewOnly) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  view.addEventListener('drop', async (e) => {
    if (stats.viewOnly) return;
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const p = at(e);
    const bytes = new Uint8Array(await file.arrayBuffer());
    sendChunks([{ mime: file.type || 'application/octet-stream', bytes }],
      (mime, data, last) => ({ t: 'drop', x: p.x, y: p.y, mime, name: file.name, data, last }));
    stats.drops += 1;
  });

  function releaseAll() {
    for (const [code, k] of held) {
      send({ t: 'key', key: k.key, code, location: k.location, down: false });
    }
    held.clear();
  }
  window.addEventListener('blur', releaseAll);
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) releaseAll();
  });

  ask.addEventListener('submit', (e) => {
    e.preventDefault();
    cookie = document.getElementById('cookie').value.trim();
    refused = false;
    message.hidden = true;
    connect();
  });

  connect();
})();
