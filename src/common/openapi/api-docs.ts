import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { buildApiDocument } from './api-document';
import { DOCS_PATH, OPENAPI_JSON_PATH } from './docs-paths';

/**
 * Serves the OpenAPI document at `/openapi.json` and swagger-ui at `/docs`, its assets from the
 * installed `swagger-ui-dist` (no CDN). The document is built on the first request, not at
 * boot (once, then kept): most processes (every test app among them) never ask for it.
 */
export function mountApiDocs(app: INestApplication): void {
  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => buildApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: 'Molecule platform server — API',
    swaggerOptions: { docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
}
