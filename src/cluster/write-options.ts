/** `refresh` of one write, as Elasticsearch reads it; omitted: the API's default (wait_for). */
export interface WriteOptions {
  refresh?: 'true' | 'false' | 'wait_for';
}
