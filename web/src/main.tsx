/** The app shell: navigation between the pages, each page's state in the URL. */
import { render, type JSX } from 'preact';
import { ChipPage } from './pages/chip.js';
import { ClusterPage } from './pages/cluster.js';
import { EconomicsPage } from './pages/economics.js';
import { ExplorePage } from './pages/explore.js';
import { ModelPage } from './pages/model.js';
import { SystolicPage } from './pages/systolic.js';
import { useRoute } from './state.js';
import './style.css';

const PAGES: ReadonlyArray<{ id: string; title: string; view: () => JSX.Element }> = [
  { id: 'chip', title: 'Chip', view: ChipPage },
  { id: 'systolic', title: 'Systolic array', view: SystolicPage },
  { id: 'model', title: 'Model', view: ModelPage },
  { id: 'cluster', title: 'Cluster', view: ClusterPage },
  { id: 'economics', title: 'Economics', view: EconomicsPage },
  { id: 'explore', title: 'Explore', view: ExplorePage },
];

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
          <page.view />
        </main>
      ) : (
        <main id="page-none">
          <h1>No such page</h1>
          <NoSuchPage name={route.page} />
        </main>
      )}
      <footer>Everything is computed in your browser by the tpusim library; nothing leaves this machine. Every 1 MAC counts as 2 ops.</footer>
    </>
  );
}

render(<App />, document.getElementById('app')!);
