// Progressive enhancement of the certificate verifier: read the QR code with the camera, put its
// text in the form and send the form. Without this script (or without a camera) the form works as
// it is. Decoding happens in the browser: with BarcodeDetector where the browser has it, otherwise
// with jsQR served from our own assets. Nothing is loaded from another origin.
const box = document.getElementById('dcc-camera');
const media = navigator.mediaDevices;

if (box && media && typeof media.getUserMedia === 'function') {
  const form = box.closest('form');
  const textArea = document.getElementById('hc1');
  const start = document.getElementById('dcc-camera-start');
  const stop = document.getElementById('dcc-camera-stop');
  const video = document.getElementById('dcc-camera-video');
  const status = document.getElementById('dcc-camera-status');
  const text = (name) => box.getAttribute(`data-text-${name}`) || '';
  const say = (name) => {
    status.textContent = text(name);
  };

  let stream = null;
  let timer = 0;
  let decoder = null;
  let lastNotice = '';
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });

  /** Loads jsQR from our assets once; resolves to the function. */
  let jsQrLoading = null;
  const loadJsQr = () => {
    jsQrLoading ??= new Promise((resolve, reject) => {
      if (window.jsQR) return resolve(window.jsQR);
      const script = document.createElement('script');
      script.src = box.getAttribute('data-jsqr');
      script.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error('jsQR did not load')));
      script.onerror = () => reject(new Error('jsQR did not load'));
      document.head.appendChild(script);
    });
    return jsQrLoading;
  };

  /** A function from the video's current frame to the QR text in it (or null). */
  const makeDecoder = async () => {
    if ('BarcodeDetector' in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes('qr_code')) {
          const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
          return async () => {
            const codes = await detector.detect(video);
            return codes.length ? codes[0].rawValue : null;
          };
        }
      } catch {
        // Fall through to jsQR.
      }
    }
    const jsQR = await loadJsQr();
    return async () => {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width || !height) return null;
      // A smaller copy is read faster and is still sharp enough for a code that fills the view.
      const factor = Math.min(1, 800 / Math.max(width, height));
      canvas.width = Math.round(width * factor);
      canvas.height = Math.round(height * factor);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'attemptBoth' });
      return code ? code.data : null;
    };
  };

  const stopCamera = () => {
    window.clearTimeout(timer);
    timer = 0;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  };

  const scan = async () => {
    if (!stream) return;
    let found = null;
    try {
      found = await decoder();
    } catch {
      found = null;
    }
    if (!stream) return;
    if (found && /^HC1:/.test(found.trim())) {
      stopCamera();
      say('found');
      textArea.value = found.trim();
      // The picture field would take precedence over the text: empty it.
      const file = form.querySelector('input[type="file"]');
      if (file) file.value = '';
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else form.submit();
      return;
    }
    if (found && found !== lastNotice) {
      lastNotice = found;
      say('notCertificate');
    }
    timer = window.setTimeout(scan, 150);
  };

  start.addEventListener('click', async () => {
    start.hidden = true;
    say('starting');
    try {
      stream = await media.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      video.hidden = false;
      stop.hidden = false;
      stop.focus();
      await video.play();
      say('scanning');
      decoder ??= await makeDecoder();
      // The person may have stopped the camera while the reader was loading.
      if (stream) scan();
    } catch {
      if (!stream && !start.hidden) return;
      stopCamera();
      say('denied');
    }
  });

  stop.addEventListener('click', () => {
    stopCamera();
    say('stopped');
    start.focus();
  });

  // The camera never stays on behind the person's back.
  window.addEventListener('pagehide', stopCamera);
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && stream) {
      stopCamera();
      say('stopped');
    }
  });

  box.hidden = false;
}
