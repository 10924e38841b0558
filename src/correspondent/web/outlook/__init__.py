"""The Outlook add-in: its manifest, its pages and icons, served by the web app."""
