/** Renderer entry: connect to the core over whatever transport this page has, render the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { connectToCore } from './transport/connect';
import './styles/theme.css';

const client = connectToCore();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
