// QR codes for DCCs: error correction level Q and the alphanumeric mode, as the hcert spec asks
// (base45 and "HC1:" are exactly the QR alphanumeric character set, 5.5 bits a character). Reading
// uses an independent decoder, for round-trip tests and the conformance runner.
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode, { type QRCodeSegment } from 'qrcode';

// jsqr is CommonJS whose exports object is the function and also carries it as `default`.
const jsQR = jsQRModule.default;

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

function segments(text: string): QRCodeSegment[] {
  if (!ALPHANUMERIC.test(text)) throw new TypeError('a DCC QR code holds only QR alphanumeric characters (0-9 A-Z space $%*+-./:)');
  return [{ data: text, mode: 'alphanumeric' }];
}

export interface QrOptions {
  /** Pixels per module (PNG). Default 4. */
  scale?: number;
  /** Quiet zone in modules. Default 4, as ISO/IEC 18004 requires. */
  margin?: number;
}

/** A PNG image of the QR code for an "HC1:" text. */
export async function qrPng(text: string, options: QrOptions = {}): Promise<Buffer> {
  return QRCode.toBuffer(segments(text), { type: 'png', errorCorrectionLevel: 'Q', scale: options.scale ?? 4, margin: options.margin ?? 4 });
}

/** An SVG image of the QR code for an "HC1:" text. */
export async function qrSvg(text: string, options: QrOptions = {}): Promise<string> {
  return QRCode.toString(segments(text), { type: 'svg', errorCorrectionLevel: 'Q', margin: options.margin ?? 4 });
}

/** The text of the QR code in a PNG image, or undefined when the image cannot be read or holds none. */
export function readQrPng(png: Uint8Array): string | undefined {
  try {
    const image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    const pixels = new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    const code = jsQR(pixels, image.width, image.height, { inversionAttempts: 'attemptBoth' });
    return code?.data;
  } catch {
    return undefined;
  }
}
