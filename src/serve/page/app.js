/*
 * aekit serve / aekit export: the run explorer page. Plain browser JavaScript, loaded after
 * TensorFlow.js (global `tf`) and aekit-layers.min.js (global `aekit`). Everything it shows comes
 * from the site's own files: run.json (the run's facts, the PCA map, the anomaly threshold),
 * samples.bin (the first validation samples) and the saved models, which run here, in the browser.
 */

const $ = (id) => document.getElementById(id);
/** tab10, the palette of aekit's maps; unlabelled points are grey. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const PAGE_SIZE = 10;
/** On-screen size of a sample image (CSS pixels of its longer side). */
const THUMB = 84;

const app = {
  info: null,
  model: null,
  encoder: null,
  decoder: null,
  /** The validation samples, `count × per` floats. */
  samples: null,
  per: 0,
  /** Shape of one sample as the autoencoder takes it. */
  inputShape: null,
  validPage: 0,
  row: 0,
};

async function fetchOk(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: the server answered ${res.status}`);
  return res;
}

function setStatus(text) {
  $('status').textContent = text;
}

const clamp01 = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);
const fmt = (v) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(6) : v.toExponential(4));
const className = (label) => (label === null ? 'unlabelled' : (app.info.data.classes?.[label] ?? `class ${label}`));
const labelOf = (i) => (app.info.samples.labels === null ? null : app.info.samples.labels[i]);

function sample(i) {
  return app.samples.subarray(i * app.per, (i + 1) * app.per);
}

/** Runs `model` on `n` samples given back to back in `values`; returns its flat outputs. */
function predict(model, values, n, shape) {
  return tf.tidy(() => {
    const x = tf.tensor(values, [n, ...shape]);
    const y = model.predict(x);
    return Float32Array.from(y.dataSync());
  });
}

function reconstruct(values, n = 1) {
  return predict(app.model, values, n, app.inputShape);
}

function mse(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

function verdict(element, error) {
  const t = app.info.threshold.value;
  const above = error > t;
  element.textContent = above ? `above the anomaly threshold ${fmt(t)}: an anomaly` : `below the anomaly threshold ${fmt(t)}: normal`;
  element.className = above ? 'anomaly-text' : 'normal-text';
  element.dataset.anomaly = String(above);
  return above;
}

// ——— images ———

/** Draws one image (`h × w` grey or `h × w × 3` RGB values in [0, 1]) on `canvas`, shown `size` CSS pixels on its longer side. */
function drawImage(canvas, values, size = THUMB) {
  const { height: h, width: w, channels: c } = app.info.data.image;
  canvas.width = w;
  canvas.height = h;
  const scale = size / Math.max(w, h);
  canvas.style.width = `${Math.round(w * scale)}px`;
  canvas.style.height = `${Math.round(h * scale)}px`;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let p = 0; p < w * h; p++) {
    for (let k = 0; k < 3; k++) img.data[4 * p + k] = Math.round(255 * clamp01(values[c === 1 ? p : 3 * p + k]));
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function newCanvas(values, size) {
  const canvas = document.createElement('canvas');
  drawImage(canvas, values, size);
  return canvas;
}

/**
 * The pixels of `source` (an ImageBitmap or a canvas) as the run's images: stretched to its size
 * (as `aekit train --images` resizes), alpha composited on black, grey by 0.299 R + 0.587 G +
 * 0.114 B as aekit reads images, scaled to [0, 1]; inverted when asked; normalised as the run's images were.
 */
function pixelsOf(source) {
  const { height: h, width: w, channels: c } = app.info.data.image;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, w, h);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const out = new Float32Array(w * h * c);
  const invert = $('invert').checked;
  for (let p = 0; p < w * h; p++) {
    const [r, g, b] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]];
    if (c === 1) out[p] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    else [out[3 * p], out[3 * p + 1], out[3 * p + 2]] = [r / 255, g / 255, b / 255];
  }
  if (invert) for (let i = 0; i < out.length; i++) out[i] = 1 - out[i];
  if (app.info.data.normalize === 'gcn') contrastNormalize(out);
  return out;
}

/**
 * A run trained with `--normalize gcn` takes each image with its mean removed, divided by its
 * standard deviation (at least 1/64), mapped by z ↦ (z + 3) / 6 and clipped to [0, 1], as aekit's
 * `globalContrastNormalize` does in Node.
 */
function contrastNormalize(x) {
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let sq = 0;
  for (const v of x) sq += (v - mean) ** 2;
  const scale = 1 / (6 * Math.max(Math.sqrt(sq / x.length), 1 / 64));
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, (x[i] - mean) * scale + 0.5));
}

function showTry(values) {
  const output = reconstruct(values);
  const diff = values.map((v, i) => Math.abs(v - output[i]));
  drawImage($('try-input'), values, 112);
  drawImage($('try-output'), output, 112);
  drawImage($('try-diff'), diff, 112);
  const error = mse(values, output);
  const shown = $('try-mse');
  shown.textContent = `MSE ${fmt(error)}`;
  shown.dataset.value = String(error);
  verdict($('try-verdict'), error);
  $('try-result').hidden = false;
}

async function tryFile(file) {
  if (file === undefined) return;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    setStatus(`${file.name}: expected an image the browser can decode (PNG, JPEG, WebP, GIF, BMP)`);
    return;
  }
  const { width, height } = bitmap;
  showTry(pixelsOf(bitmap));
  bitmap.close();
  setStatus(`${file.name} (${width}×${height}) scored`);
}

function setUpTry() {
  const { height: h, width: w, channels: c } = app.info.data.image;
  $('try-note').textContent =
    `Images are resized to ${h}×${w}${c === 1 ? ' and made grey' : ' RGB'}, as the run's images were; the error is the mean squared error of the reconstruction.`;
  $('file-input').addEventListener('change', (e) => tryFile(e.target.files[0]));
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    tryFile(e.dataTransfer.files[0]);
  });
  $('invert').addEventListener('change', () => {
    const input = $('file-input').files[0];
    if (input !== undefined) tryFile(input);
  });
  if (c === 1) setUpDrawing();
  $('try').hidden = false;
}

function setUpDrawing() {
  const canvas = $('draw-canvas');
  const ctx = canvas.getContext('2d');
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = canvas.width / 12;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  let drawing = false;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...at(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    // the drawing is light on dark already: it is not inverted
    const invert = $('invert').checked;
    $('invert').checked = false;
    showTry(pixelsOf(canvas));
    $('invert').checked = invert;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  $('draw-clear').addEventListener('click', clear);
  $('draw').hidden = false;
}

function showValidPage() {
  const count = app.info.samples.count;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  app.validPage = Math.min(Math.max(app.validPage, 0), pages - 1);
  const from = app.validPage * PAGE_SIZE;
  const to = Math.min(count, from + PAGE_SIZE);
  const outputs = reconstruct(app.samples.subarray(from * app.per, to * app.per), to - from);
  const grid = $('valid-grid');
  grid.replaceChildren();
  for (let i = from; i < to; i++) {
    const x = sample(i);
    const y = outputs.subarray((i - from) * app.per, (i - from + 1) * app.per);
    const error = mse(x, y);
    const figure = document.createElement('figure');
    figure.dataset.index = String(i);
    figure.dataset.mse = String(error);
    if (error > app.info.threshold.value) figure.classList.add('anomaly');
    const caption = document.createElement('figcaption');
    caption.textContent = `#${i} ${className(labelOf(i))}\nMSE ${fmt(error)}`;
    figure.append(newCanvas(x), newCanvas(y), caption);
    grid.append(figure);
  }
  $('valid-range').textContent =
    `${from + 1}–${to} of ${count} (page ${app.validPage + 1} of ${pages}; originals above, reconstructions below)`;
  $('valid-prev').disabled = app.validPage === 0;
  $('valid-next').disabled = app.validPage === pages - 1;
}

function setUpValid() {
  $('valid-prev').addEventListener('click', () => {
    app.validPage--;
    showValidPage();
  });
  $('valid-next').addEventListener('click', () => {
    app.validPage++;
    showValidPage();
  });
  showValidPage();
  $('valid').hidden = false;
}

// ——— tables and other vectors ———

function featureName(j) {
  const names = app.info.data.features;
  if (names !== null && names.length === app.per) return names[j];
  const shape = app.info.data.shape;
  if (shape.length === 2) return `step ${Math.floor(j / shape[1]) + 1} · ${j % shape[1]}`;
  return `value ${j + 1}`;
}

const SVG = 'http://www.w3.org/2000/svg';
function svgElement(name, attributes, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A bar chart of `values` (one bar per feature): labelled horizontal bars for a few features, columns for many. */
function barChart(values) {
  const max = Math.max(...values, 1e-12);
  const n = values.length;
  if (n <= 40) {
    const bar = 18;
    const svg = svgElement('svg', { width: 620, height: n * bar + 24, role: 'img', 'aria-label': 'squared error per feature' });
    values.forEach((v, j) => {
      const y = j * bar;
      svg.append(svgElement('text', { x: 150, y: y + 13, 'text-anchor': 'end', 'font-size': 12 }, featureName(j)));
      svg.append(svgElement('rect', { x: 156, y: y + 2, width: Math.max(1, (v / max) * 380), height: bar - 4, fill: '#1f77b4' }));
      svg.append(svgElement('text', { x: 160 + (v / max) * 380, y: y + 13, 'font-size': 11, fill: '#444' }, fmt(v)));
    });
    svg.append(svgElement('text', { x: 156, y: n * bar + 16, 'font-size': 11, fill: '#666' }, 'squared error of each feature'));
    return svg;
  }
  const width = 620;
  const height = 180;
  const svg = svgElement('svg', { width, height: height + 24, role: 'img', 'aria-label': 'squared error per value' });
  const w = width / n;
  values.forEach((v, j) => {
    const h = (v / max) * height;
    svg.append(svgElement('rect', { x: j * w, y: height - h, width: Math.max(w - 0.5, 0.5), height: h, fill: '#1f77b4' }));
  });
  svg.append(
    svgElement('text', { x: 0, y: height + 16, 'font-size': 11, fill: '#666' }, `squared error of values 1…${n} (largest ${fmt(max)})`),
  );
  return svg;
}

function showRow() {
  const count = app.info.samples.count;
  app.row = Math.min(Math.max(app.row, 0), count - 1);
  const i = app.row;
  const x = sample(i);
  const y = reconstruct(x);
  const errors = Array.from(x, (v, j) => (v - y[j]) ** 2);
  const error = mse(x, y);
  $('row-label').textContent = `#${i} (${className(labelOf(i))})`;
  const shown = $('row-mse');
  shown.textContent = fmt(error);
  shown.dataset.value = String(error);
  verdict($('row-verdict'), error);
  $('row-chart').replaceChildren(barChart(errors));
  const body = $('row-table').tBodies[0];
  body.replaceChildren();
  if (app.per <= 64)
    errors.forEach((e, j) => {
      const tr = document.createElement('tr');
      tr.dataset.error = String(e);
      for (const text of [featureName(j), fmt(x[j]), fmt(y[j]), fmt(e)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      body.append(tr);
    });
  $('row-table').hidden = app.per > 64;
  $('row-range').textContent =
    `sample ${i + 1} of ${count}${app.info.data.kind === 'table' ? " (values as the model sees them: after the run's scaling)" : ''}`;
  $('row-prev').disabled = i === 0;
  $('row-next').disabled = i === count - 1;
}

function setUpRows() {
  $('row-prev').addEventListener('click', () => {
    app.row--;
    showRow();
  });
  $('row-next').addEventListener('click', () => {
    app.row++;
    showRow();
  });
  showRow();
  $('rows').hidden = false;
}

// ——— the map ———

function setUpMap() {
  const map = app.info.map;
  const canvas = $('map');
  const ctx = canvas.getContext('2d');
  const pad = 12;
  const span = (v) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    // all equal (a 1-float coding has no second axis): they go in the middle
    return hi > lo ? [lo, hi - lo] : [lo - 0.5, 1];
  };
  const [x0, xs] = span(map.x);
  const [y0, ys] = span(map.y);
  const size = canvas.width - 2 * pad;
  const points = map.x.map((x, i) => [pad + ((x - x0) / xs) * size, pad + (1 - (map.y[i] - y0) / ys) * size]);
  const colour = (i) => {
    const label = labelOf(i);
    return label === null ? '#777' : PALETTE[label % PALETTE.length];
  };
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  points.forEach(([px, py], i) => {
    ctx.fillStyle = colour(i);
    ctx.beginPath();
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    ctx.fill();
  });
  const explained = map.explained.map((e) => `${(100 * e).toFixed(1)}%`).join(' and ');
  $('map-note').textContent =
    `PCA of the codings of ${points.length} validation samples (computed when the site was built; the axes explain ${explained} of their variance). Hover a point to see its sample.`;
  const legend = $('map-legend');
  const labels = app.info.samples.labels;
  const seen = labels === null ? [] : [...new Set(labels)].sort((a, b) => a - b);
  for (const label of seen) {
    const li = document.createElement('li');
    const dot = document.createElement('span');
    dot.style.background = PALETTE[label % PALETTE.length];
    li.append(dot, className(label));
    legend.append(li);
  }
  const tip = $('map-tip');
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const mx = ((e.clientX - r.left) * canvas.width) / r.width;
    const my = ((e.clientY - r.top) * canvas.height) / r.height;
    let best = -1;
    let bestD = 12 ** 2;
    points.forEach(([px, py], i) => {
      const d = (px - mx) ** 2 + (py - my) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    if (best < 0) {
      tip.hidden = true;
      return;
    }
    const text = document.createElement('div');
    text.textContent = `#${best} ${className(labelOf(best))}`;
    tip.replaceChildren(...(app.info.data.image === null ? [] : [newCanvas(sample(best), 64)]), text);
    tip.dataset.index = String(best);
    tip.style.left = `${e.clientX - r.left + 14}px`;
    tip.style.top = `${e.clientY - r.top + 14}px`;
    tip.hidden = false;
  });
  canvas.addEventListener('mouseleave', () => {
    tip.hidden = true;
  });
  $('map-section').hidden = false;
}

// ——— a VAE's latent space ———

function codingOf(i) {
  return predict(app.encoder, sample(i), 1, app.inputShape);
}

function setUpLatent() {
  const d = app.decoder.inputs[0].shape[1];
  const sliders = $('sliders');
  const inputs = [];
  const output = $('latent-output');
  let pending = false;
  const decode = () => {
    pending = false;
    drawImage(
      output,
      predict(
        app.decoder,
        Float32Array.from(inputs, (s) => Number(s.value)),
        1,
        [d],
      ),
      168,
    );
  };
  const changed = () => {
    inputs.forEach((s) => {
      s.nextElementSibling.textContent = Number(s.value).toFixed(2);
    });
    if (!pending) {
      pending = true;
      requestAnimationFrame(decode);
    }
  };
  for (let k = 0; k < d; k++) {
    const label = document.createElement('label');
    label.textContent = `z${k + 1}`;
    label.htmlFor = `z${k}`;
    const slider = document.createElement('input');
    Object.assign(slider, { type: 'range', id: `z${k}`, min: '-3', max: '3', step: '0.01', value: '0' });
    slider.addEventListener('input', changed);
    const value = document.createElement('span');
    sliders.append(label, slider, value);
    inputs.push(slider);
  }
  const set = (values) => {
    inputs.forEach((s, k) => {
      s.value = String(values[k]);
    });
    changed();
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  $('latent-zero').addEventListener('click', () => set(new Float32Array(d)));
  $('latent-random').addEventListener('click', () => set(Float32Array.from({ length: d }, gauss)));
  const pick = (input) => Math.min(Math.max(0, Math.floor(Number(input.value)) || 0), app.info.samples.count - 1);
  $('latent-from').addEventListener('click', () => set(codingOf(pick($('latent-sample')))));
  set(codingOf(0));
  decode();
  const interpolate = () => {
    const a = codingOf(pick($('interp-a')));
    const b = codingOf(pick($('interp-b')));
    const steps = 9;
    const z = new Float32Array(steps * d);
    for (let s = 0; s < steps; s++) for (let k = 0; k < d; k++) z[s * d + k] = a[k] + ((b[k] - a[k]) * s) / (steps - 1);
    const images = predict(app.decoder, z, steps, [d]);
    const per = images.length / steps;
    $('interp-strip').replaceChildren(...Array.from({ length: steps }, (_, s) => newCanvas(images.subarray(s * per, (s + 1) * per))));
  };
  $('interp-go').addEventListener('click', interpolate);
  interpolate();
  $('latent').hidden = false;
}

// ——— start ———

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  const info = await (await fetchOk('run.json')).json();
  app.info = info;
  $('title').textContent = `aekit run ${info.run}: ${info.model}`;
  const image = info.data.image;
  const what =
    image === null
      ? `samples of shape [${info.data.shape.join(', ')}]`
      : `${image.height}×${image.width} ${image.channels === 3 ? 'RGB' : 'grey'} images`;
  $('facts').textContent =
    `${info.data.source}: ${what}; loss ${info.loss}; codings of ${info.codingSize} float${info.codingSize === 1 ? '' : 's'}; anomaly threshold ${fmt(info.threshold.value)} (${info.threshold.rule}).`;
  setStatus('loading the model…');
  app.model = await aekit.loadModel('model/model.json');
  if (info.parts.includes('encoder')) app.encoder = await aekit.loadModel('encoder/model.json');
  if (info.parts.includes('decoder')) app.decoder = await aekit.loadModel('decoder/model.json');
  app.inputShape = app.model.inputs[0].shape.slice(1);
  app.per = app.inputShape.reduce((a, b) => a * b, 1);
  const bytes = await (await fetchOk(info.samples.file)).arrayBuffer();
  app.samples = info.samples.dtype === 'uint8' ? Float32Array.from(new Uint8Array(bytes), (v) => v / 255) : new Float32Array(bytes);
  if (app.samples.length !== info.samples.count * app.per)
    throw new Error(`samples.bin holds ${app.samples.length} values, expected ${info.samples.count} samples of ${app.per}`);
  if (image !== null) setUpTry();
  if (info.samples.count > 0) {
    if (image !== null) setUpValid();
    else setUpRows();
    if (info.map !== null) setUpMap();
    if (info.vae && image !== null && app.encoder !== null && app.decoder !== null) setUpLatent();
  }
  setStatus(`model loaded (${info.parts.join(', ')}); running in this browser on TensorFlow.js ${tf.version_core ?? ''} (CPU backend)`);
  document.body.dataset.state = 'ready';
}

main().catch((err) => {
  document.body.dataset.state = 'error';
  setStatus(`could not start: ${err.message}`);
  console.error(err);
});
