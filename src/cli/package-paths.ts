/** Paths inside the installed package (works from src/ under tsx and from dist/ after a build). */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_DATA_DIR = join(PACKAGE_ROOT, 'data');
