import { spawn } from 'node:child_process';

/**
 * Opens `url` with the platform's opener. Resolves with a one-line hint when that fails (a server, a
 * container, a machine without a desktop): the demo runs on, the teacher opens the URL by hand.
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const [command, args] = platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (error) => resolve(`could not open a browser (${command}: ${error.message}); open ${url} yourself`));
    child.once('exit', (code) =>
      resolve(code === 0 ? undefined : `could not open a browser (${command} exited with code ${code}); open ${url} yourself`),
    );
    child.unref();
  });
}
