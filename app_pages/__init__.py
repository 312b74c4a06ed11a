"""The app's pages (one module per view) and the shell they share: sidebar, header, cached library calls."""
