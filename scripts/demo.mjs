// `npm run demo`: rolehop's whole story on the built-in sandbox, in a throwaway HOME.
// It grows as the commands land; each step narrates what it does.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('./demo-story.mjs', import.meta.url))) {
  process.stdout.write(
    'rolehop demo: the sandbox lands with its issue (#3); the story with the credentials issue (#5).\n',
  );
  process.exit(0);
}
await import('./demo-story.mjs');
