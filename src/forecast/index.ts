export { createForecasts, HISTORY_DAYS, type Forecasts, type ForecastDeps, type WhatIf, type ArrivalHistory } from './service.js';
export { forecastRoutes, ForecastList } from './routes.js';
