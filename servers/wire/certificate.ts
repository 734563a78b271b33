import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a TLS server needs of its certificate: both PEMs. */
export interface CertificatePem {
  cert: string;
  key: string;
}

/** The line a command prints when it cannot make a certificate. */
export const OPENSSL_MISSING = 'openssl not found (Debian package openssl: sudo apt-get install openssl): no certificate for --tls';

/** The names a certificate made for loopback answers to: a client may address the server by either. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost'];

/**
 * A certificate made for one run and thrown away after it: an ECDSA P-256 key (what certbot issues by default
 * and most of the web serves; an RSA-2048 key would cost the server several times more CPU per full handshake),
 * self-signed, valid for a day, for the names given. Node 20 can make the key but not sign an X.509
 * certificate, so Debian's openssl does it, into a directory of its own under the system's temp directory;
 * `remove()` deletes the directory, key and all. Clients trust exactly this certificate (its PEM as their only
 * CA), and a browser exactly its public key (`spkiSha256` for Chromium's `--ignore-certificate-errors-spki-list`):
 * nobody turns verification off.
 */
export class ThrowawayCertificate implements CertificatePem {
  readonly cert: string;
  readonly key: string;
  /** Where the PEMs are while the certificate lives: `cert.pem` (public, for `curl --cacert`) and `key.pem`. */
  readonly dir: string;
  readonly certPath: string;
  /** base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo (DER): what Chromium pins a key by. */
  readonly spkiSha256: string;
  /** SHA-256 fingerprint as openssl and browsers print it (AB:CD:…). */
  readonly fingerprint256: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.certPath = join(dir, 'cert.pem');
    this.cert = readFileSync(this.certPath, 'utf8');
    this.key = readFileSync(join(dir, 'key.pem'), 'utf8');
    this.spkiSha256 = spkiSha256(this.cert);
    this.fingerprint256 = new X509Certificate(this.cert).fingerprint256;
  }

  /**
   * Makes one for `names` (IP addresses and DNS names, loopback's by default). Throws with OPENSSL_MISSING when
   * openssl is not installed, with openssl's own last line when it fails; nothing is left behind either way.
   */
  static make(names: readonly string[] = LOOPBACK_NAMES, openssl = 'openssl'): ThrowawayCertificate {
    const dir = mkdtempSync(join(tmpdir(), 'pushbench-tls-'));
    try {
      const subjectAltName = names.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(',');
      const made = spawnSync(
        openssl,
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=pushbench throwaway',
          '-addext',
          `subjectAltName=${subjectAltName}`,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      if (made.error) throw new Error((made.error as NodeJS.ErrnoException).code === 'ENOENT' ? OPENSSL_MISSING : made.error.message);
      if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr.trim().split('\n').at(-1) ?? ''}`);
      return new ThrowawayCertificate(dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Whether the files are still on disk. */
  get onDisk(): boolean {
    return existsSync(this.dir);
  }

  /** Deletes the directory with the key and the certificate; the PEMs in memory stay usable until the end. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The PEMs alone, to hand to a child process or a server. */
  pem(): CertificatePem {
    return { cert: this.cert, key: this.key };
  }
}

/** Whether openssl can be run (a certificate can be made). */
export function opensslAvailable(openssl = 'openssl'): boolean {
  const probe = spawnSync(openssl, ['version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** base64(SHA-256(SubjectPublicKeyInfo DER)) of a PEM certificate: Chromium's `--ignore-certificate-errors-spki-list` form. */
export function spkiSha256(certPem: string): string {
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
