/** The app shell: navigation between the pages, each page's state in the URL. */
import { render, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from './state.js';
// Starts the analysis worker at once, while the first page's chunk loads (rpc.ts creates it).
import './rpc.js';
import './style.css';

type PageView = () => JSX.Element;

/** A page's code is its own chunk, loaded on the first visit, so the shell paints without waiting for every page. */
interface Page {
  readonly id: string;
  readonly title: string;
  load(): Promise<PageView>;
}

const PAGES: readonly Page[] = [
  { id: 'chip', title: 'Chip', load: () => import('./pages/chip.js').then((m) => m.ChipPage) },
  { id: 'systolic', title: 'Systolic array', load: () => import('./pages/systolic.js').then((m) => m.SystolicPage) },
  { id: 'model', title: 'Model', load: () => import('./pages/model.js').then((m) => m.ModelPage) },
  { id: 'cluster', title: 'Cluster', load: () => import('./pages/cluster.js').then((m) => m.ClusterPage) },
  { id: 'serving', title: 'Serving', load: () => import('./pages/serving.js').then((m) => m.ServingPage) },
  { id: 'economics', title: 'Economics', load: () => import('./pages/economics.js').then((m) => m.EconomicsPage) },
  { id: 'explore', title: 'Explore', load: () => import('./pages/explore.js').then((m) => m.ExplorePage) },
];

const loadedPages = new Map<string, PageView>();

/** The page once its chunk is loaded; until then a line saying so (or why it failed). */
function PageBody(props: { page: Page }): JSX.Element {
  const { page } = props;
  const [, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (loadedPages.has(page.id)) return;
    let live = true;
    page.load().then(
      (view) => {
        loadedPages.set(page.id, view);
        if (live) setLoaded(true);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [page]);
  const View = loadedPages.get(page.id);
  if (View) return <View />;
  if (error !== undefined)
    return (
      <p class="alert" role="alert">
        Could not load the {page.title} page: {error}
      </p>
    );
  return (
    <p class="page-loading" aria-busy="true">
      Loading the {page.title} page…
    </p>
  );
}

/** An address naming no page: said, with the pages there are (never another page shown in its place). */
function NoSuchPage(props: { name: string }): JSX.Element {
  return (
    <section aria-label="no such page" data-testid="no-such-page">
      <p class="alert" role="alert">
        There is no page '{props.name}'. The pages are:
      </p>
      <ul>
        {PAGES.map((p) => (
          <li key={p.id}>
            <a href={`#/${p.id}`}>{p.title}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function App(): JSX.Element {
  const route = useRoute();
  const page = PAGES.find((p) => p.id === route.page);
  return (
    <>
      <header>
        <a class="brand" href="#/chip">
          tpusim
        </a>
        <nav aria-label="pages">
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === page?.id ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
      </header>
      {page ? (
        <main id={`page-${page.id}`}>
          <h1>{page.title}</h1>
          <PageBody key={page.id} page={page} />
        </main>
      ) : (
        <main id="page-none">
          <h1>No such page</h1>
          <NoSuchPage name={route.page} />
        </main>
      )}
      <footer>
        Everything is computed in your browser by the tpusim library; nothing leaves this machine. Every 1 MAC counts as
        2 ops.
      </footer>
    </>
  );
}

render(<App />, document.getElementById('app')!);
