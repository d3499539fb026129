/**
 * One node's `service_tokens` file (spec section 8): parsed with ES's rules, reloaded when its
 * content changes. A missing file is an empty, valid set; an invalid file empties the set.
 */
import { parseServiceTokens, type ServiceTokensProblem } from '../file-tokens/service-tokens-parser.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';

export class NodeFileTokens {
  private tokens = new Map<string, string>();
  private lastContent: string | undefined = undefined;
  problems: ServiceTokensProblem[] = [];

  constructor(
    readonly nodeName: string,
    readonly path: string,
    private readonly onChange: () => void = () => undefined,
  ) {}

  get(qualifiedName: string): string | undefined {
    return this.tokens.get(qualifiedName);
  }

  /** token names (without the `ns/svc/` prefix) whose key starts with `<principal>/` */
  namesFor(principal: string): string[] {
    const prefix = `${principal}/`;
    return [...this.tokens.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  }

  /**
   * Rereads the file; applies it only when the content changed. At startup ES refuses to start on
   * an invalid file, so `isStartup` turns an invalid file into an error.
   */
  async reload(isStartup = false): Promise<void> {
    const content = (await readTextIfExists(this.path)) ?? '';
    if (content === this.lastContent) return;
    this.lastContent = content;
    const parsed = parseServiceTokens(content);
    if (!parsed.isValid && isStartup) {
      const where = parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ');
      throw new Error(`Failed to load service_tokens file [${this.path}]: ${where}`);
    }
    this.problems = parsed.problems;
    const isSame = parsed.tokens.size === this.tokens.size && [...parsed.tokens].every(([key, hash]) => this.tokens.get(key) === hash);
    this.tokens = parsed.tokens;
    if (!isSame) this.onChange();
  }
}
