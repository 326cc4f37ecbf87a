/// <reference types="vite/client" />
/// <reference types="@hot-plugins/client/virtual" />
