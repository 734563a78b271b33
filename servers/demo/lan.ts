import { networkInterfaces } from 'node:os';
import QRCode from 'qrcode';

/** The machine's address on the local network that students' phones can reach: the first non-internal IPv4. */
export function lanAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return undefined;
}

/** The join URL as a QR code for the page: black on white, with the quiet zone scanners need. */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } });
}

/** The join URL as a QR code drawn with block characters, for the teacher's terminal. */
export function qrTerminal(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
