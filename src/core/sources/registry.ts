/**
 * The shape every source registry has: a key (cited from a `Citation`'s `source`) -> the full reference,
 * one string: who (authors or publisher), what (the title, quoted where it has one), and where to find it
 * (a URL, doi, arXiv id, repository path at a commit, or venue and year), then what part is used.
 */
export type SourceRegistry = Readonly<Record<string, string>>;

/** A registry with its keys kept as literal types, so `SourceKey` can be derived from it. */
export function defineSources<const T extends SourceRegistry>(registry: T): T {
  return registry;
}
