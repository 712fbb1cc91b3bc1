// QR codes for DCCs: error correction level Q and the alphanumeric mode, as the hcert spec asks
// (base45 and "HC1:" are exactly the QR alphanumeric character set, 5.5 bits a character). Reading
// uses an independent decoder, for round-trip tests and the conformance runner.
import jpeg from 'jpeg-js';
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

/** Limits on a decoded picture: a phone's 12-megapixel photo fits, a decompression bomb does not. */
export const IMAGE_LIMITS = { megapixels: 24, memoryMb: 256, scanEdge: 1600 } as const;

interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

const isPng = (bytes: Uint8Array) => bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
const isJpeg = (bytes: Uint8Array) => bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

/** The kind of picture the bytes are, by their signature; the declared content type is not trusted. */
export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  return isPng(bytes) ? 'png' : isJpeg(bytes) ? 'jpeg' : undefined;
}

function decodeImage(bytes: Uint8Array): Rgba {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isJpeg(bytes)) {
    const image = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, tolerantDecoding: true, maxResolutionInMP: IMAGE_LIMITS.megapixels, maxMemoryUsageInMB: IMAGE_LIMITS.memoryMb });
    return { data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height };
  }
  const image = PNG.sync.read(buffer);
  return { data: new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height };
}

/** A box-averaged smaller copy, so that jsQR's binarizer sees a photo at a size it handles quickly. */
function shrink(image: Rgba, edge: number): Rgba {
  const factor = Math.ceil(Math.max(image.width, image.height) / edge);
  if (factor <= 1) return image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = new Uint8ClampedArray(width * height * 4);
  const area = factor * factor;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy += 1) {
        let at = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx += 1, at += 4) {
          r += image.data[at]!;
          g += image.data[at + 1]!;
          b += image.data[at + 2]!;
        }
      }
      const out = (y * width + x) * 4;
      data[out] = r / area;
      data[out + 1] = g / area;
      data[out + 2] = b / area;
      data[out + 3] = 255;
    }
  }
  return { data, width, height };
}

/** The text of the QR code in a PNG or JPEG picture, or undefined when the picture cannot be read or holds none. */
export function readQrImage(bytes: Uint8Array): string | undefined {
  try {
    if (!imageKind(bytes)) return undefined;
    const image = decodeImage(bytes);
    if (image.width < 21 || image.height < 21) return undefined;
    const scan = (candidate: Rgba) => jsQR(candidate.data, candidate.width, candidate.height, { inversionAttempts: 'attemptBoth' })?.data;
    const small = shrink(image, IMAGE_LIMITS.scanEdge);
    // A dense code in a large photo may need every pixel; the small copy is tried first as it is quick.
    return scan(small) ?? (small === image ? undefined : scan(image));
  } catch {
    return undefined;
  }
}

/** The text of the QR code in a PNG image (JPEG is read too), or undefined when the image cannot be read or holds none. */
export function readQrPng(png: Uint8Array): string | undefined {
  return readQrImage(png);
}
