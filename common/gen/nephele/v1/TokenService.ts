// Original file: proto/nephele/v1/token.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BeginManagementRequest as _nephele_v1_BeginManagementRequest, BeginManagementRequest__Output as _nephele_v1_BeginManagementRequest__Output } from '../../nephele/v1/BeginManagementRequest.js';
import type { BeginManagementResponse as _nephele_v1_BeginManagementResponse, BeginManagementResponse__Output as _nephele_v1_BeginManagementResponse__Output } from '../../nephele/v1/BeginManagementResponse.js';
import type { CaptureImageRequest as _nephele_v1_CaptureImageRequest, CaptureImageRequest__Output as _nephele_v1_CaptureImageRequest__Output } from '../../nephele/v1/CaptureImageRequest.js';
import type { CaptureImageResponse as _nephele_v1_CaptureImageResponse, CaptureImageResponse__Output as _nephele_v1_CaptureImageResponse__Output } from '../../nephele/v1/CaptureImageResponse.js';
import type { ConfigureManagementInstanceRequest as _nephele_v1_ConfigureManagementInstanceRequest, ConfigureManagementInstanceRequest__Output as _nephele_v1_ConfigureManagementInstanceRequest__Output } from '../../nephele/v1/ConfigureManagementInstanceRequest.js';
import type { ConfigureManagementInstanceResponse as _nephele_v1_ConfigureManagementInstanceResponse, ConfigureManagementInstanceResponse__Output as _nephele_v1_ConfigureManagementInstanceResponse__Output } from '../../nephele/v1/ConfigureManagementInstanceResponse.js';
import type { DiskChunk as _nephele_v1_DiskChunk, DiskChunk__Output as _nephele_v1_DiskChunk__Output } from '../../nephele/v1/DiskChunk.js';
import type { DownloadImageRequest as _nephele_v1_DownloadImageRequest, DownloadImageRequest__Output as _nephele_v1_DownloadImageRequest__Output } from '../../nephele/v1/DownloadImageRequest.js';
import type { EndManagementRequest as _nephele_v1_EndManagementRequest, EndManagementRequest__Output as _nephele_v1_EndManagementRequest__Output } from '../../nephele/v1/EndManagementRequest.js';
import type { EndManagementResponse as _nephele_v1_EndManagementResponse, EndManagementResponse__Output as _nephele_v1_EndManagementResponse__Output } from '../../nephele/v1/EndManagementResponse.js';
import type { GetConfigurationTableRequest as _nephele_v1_GetConfigurationTableRequest, GetConfigurationTableRequest__Output as _nephele_v1_GetConfigurationTableRequest__Output } from '../../nephele/v1/GetConfigurationTableRequest.js';
import type { GetConfigurationTableResponse as _nephele_v1_GetConfigurationTableResponse, GetConfigurationTableResponse__Output as _nephele_v1_GetConfigurationTableResponse__Output } from '../../nephele/v1/GetConfigurationTableResponse.js';
import type { GetImageLineageRequest as _nephele_v1_GetImageLineageRequest, GetImageLineageRequest__Output as _nephele_v1_GetImageLineageRequest__Output } from '../../nephele/v1/GetImageLineageRequest.js';
import type { GetImageLineageResponse as _nephele_v1_GetImageLineageResponse, GetImageLineageResponse__Output as _nephele_v1_GetImageLineageResponse__Output } from '../../nephele/v1/GetImageLineageResponse.js';
import type { GetImageRequest as _nephele_v1_GetImageRequest, GetImageRequest__Output as _nephele_v1_GetImageRequest__Output } from '../../nephele/v1/GetImageRequest.js';
import type { GetImageResponse as _nephele_v1_GetImageResponse, GetImageResponse__Output as _nephele_v1_GetImageResponse__Output } from '../../nephele/v1/GetImageResponse.js';
import type { GetUpdateCycleRequest as _nephele_v1_GetUpdateCycleRequest, GetUpdateCycleRequest__Output as _nephele_v1_GetUpdateCycleRequest__Output } from '../../nephele/v1/GetUpdateCycleRequest.js';
import type { GetUpdateCycleResponse as _nephele_v1_GetUpdateCycleResponse, GetUpdateCycleResponse__Output as _nephele_v1_GetUpdateCycleResponse__Output } from '../../nephele/v1/GetUpdateCycleResponse.js';
import type { ListImagesRequest as _nephele_v1_ListImagesRequest, ListImagesRequest__Output as _nephele_v1_ListImagesRequest__Output } from '../../nephele/v1/ListImagesRequest.js';
import type { ListImagesResponse as _nephele_v1_ListImagesResponse, ListImagesResponse__Output as _nephele_v1_ListImagesResponse__Output } from '../../nephele/v1/ListImagesResponse.js';
import type { ListUpdateCyclesRequest as _nephele_v1_ListUpdateCyclesRequest, ListUpdateCyclesRequest__Output as _nephele_v1_ListUpdateCyclesRequest__Output } from '../../nephele/v1/ListUpdateCyclesRequest.js';
import type { ListUpdateCyclesResponse as _nephele_v1_ListUpdateCyclesResponse, ListUpdateCyclesResponse__Output as _nephele_v1_ListUpdateCyclesResponse__Output } from '../../nephele/v1/ListUpdateCyclesResponse.js';
import type { PopulateSetRequest as _nephele_v1_PopulateSetRequest, PopulateSetRequest__Output as _nephele_v1_PopulateSetRequest__Output } from '../../nephele/v1/PopulateSetRequest.js';
import type { PopulateSetResponse as _nephele_v1_PopulateSetResponse, PopulateSetResponse__Output as _nephele_v1_PopulateSetResponse__Output } from '../../nephele/v1/PopulateSetResponse.js';
import type { RevokeImageRequest as _nephele_v1_RevokeImageRequest, RevokeImageRequest__Output as _nephele_v1_RevokeImageRequest__Output } from '../../nephele/v1/RevokeImageRequest.js';
import type { RevokeImageResponse as _nephele_v1_RevokeImageResponse, RevokeImageResponse__Output as _nephele_v1_RevokeImageResponse__Output } from '../../nephele/v1/RevokeImageResponse.js';
import type { UpdateVmSetRequest as _nephele_v1_UpdateVmSetRequest, UpdateVmSetRequest__Output as _nephele_v1_UpdateVmSetRequest__Output } from '../../nephele/v1/UpdateVmSetRequest.js';
import type { UpdateVmSetResponse as _nephele_v1_UpdateVmSetResponse, UpdateVmSetResponse__Output as _nephele_v1_UpdateVmSetResponse__Output } from '../../nephele/v1/UpdateVmSetResponse.js';
import type { UploadImageChunk as _nephele_v1_UploadImageChunk, UploadImageChunk__Output as _nephele_v1_UploadImageChunk__Output } from '../../nephele/v1/UploadImageChunk.js';
import type { UploadImageResponse as _nephele_v1_UploadImageResponse, UploadImageResponse__Output as _nephele_v1_UploadImageResponse__Output } from '../../nephele/v1/UploadImageResponse.js';

export interface TokenServiceClient extends grpc.Client {
  BeginManagement(argument: _nephele_v1_BeginManagementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  BeginManagement(argument: _nephele_v1_BeginManagementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  BeginManagement(argument: _nephele_v1_BeginManagementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  BeginManagement(argument: _nephele_v1_BeginManagementRequest, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  beginManagement(argument: _nephele_v1_BeginManagementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  beginManagement(argument: _nephele_v1_BeginManagementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  beginManagement(argument: _nephele_v1_BeginManagementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  beginManagement(argument: _nephele_v1_BeginManagementRequest, callback: grpc.requestCallback<_nephele_v1_BeginManagementResponse__Output>): grpc.ClientUnaryCall;
  
  CaptureImage(argument: _nephele_v1_CaptureImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  CaptureImage(argument: _nephele_v1_CaptureImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  CaptureImage(argument: _nephele_v1_CaptureImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  CaptureImage(argument: _nephele_v1_CaptureImageRequest, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  captureImage(argument: _nephele_v1_CaptureImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  captureImage(argument: _nephele_v1_CaptureImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  captureImage(argument: _nephele_v1_CaptureImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  captureImage(argument: _nephele_v1_CaptureImageRequest, callback: grpc.requestCallback<_nephele_v1_CaptureImageResponse__Output>): grpc.ClientUnaryCall;
  
  ConfigureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  ConfigureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  ConfigureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  ConfigureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  configureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  configureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  configureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  configureManagementInstance(argument: _nephele_v1_ConfigureManagementInstanceRequest, callback: grpc.requestCallback<_nephele_v1_ConfigureManagementInstanceResponse__Output>): grpc.ClientUnaryCall;
  
  DownloadImage(argument: _nephele_v1_DownloadImageRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  DownloadImage(argument: _nephele_v1_DownloadImageRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  downloadImage(argument: _nephele_v1_DownloadImageRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  downloadImage(argument: _nephele_v1_DownloadImageRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  
  EndManagement(argument: _nephele_v1_EndManagementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  EndManagement(argument: _nephele_v1_EndManagementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  EndManagement(argument: _nephele_v1_EndManagementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  EndManagement(argument: _nephele_v1_EndManagementRequest, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  endManagement(argument: _nephele_v1_EndManagementRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  endManagement(argument: _nephele_v1_EndManagementRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  endManagement(argument: _nephele_v1_EndManagementRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  endManagement(argument: _nephele_v1_EndManagementRequest, callback: grpc.requestCallback<_nephele_v1_EndManagementResponse__Output>): grpc.ClientUnaryCall;
  
  GetConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  GetConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  GetConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  GetConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  getConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  getConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  getConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  getConfigurationTable(argument: _nephele_v1_GetConfigurationTableRequest, callback: grpc.requestCallback<_nephele_v1_GetConfigurationTableResponse__Output>): grpc.ClientUnaryCall;
  
  GetImage(argument: _nephele_v1_GetImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  GetImage(argument: _nephele_v1_GetImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  GetImage(argument: _nephele_v1_GetImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  GetImage(argument: _nephele_v1_GetImageRequest, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  getImage(argument: _nephele_v1_GetImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  getImage(argument: _nephele_v1_GetImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  getImage(argument: _nephele_v1_GetImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  getImage(argument: _nephele_v1_GetImageRequest, callback: grpc.requestCallback<_nephele_v1_GetImageResponse__Output>): grpc.ClientUnaryCall;
  
  GetImageLineage(argument: _nephele_v1_GetImageLineageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  GetImageLineage(argument: _nephele_v1_GetImageLineageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  GetImageLineage(argument: _nephele_v1_GetImageLineageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  GetImageLineage(argument: _nephele_v1_GetImageLineageRequest, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  getImageLineage(argument: _nephele_v1_GetImageLineageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  getImageLineage(argument: _nephele_v1_GetImageLineageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  getImageLineage(argument: _nephele_v1_GetImageLineageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  getImageLineage(argument: _nephele_v1_GetImageLineageRequest, callback: grpc.requestCallback<_nephele_v1_GetImageLineageResponse__Output>): grpc.ClientUnaryCall;
  
  GetUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  GetUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  GetUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  GetUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  getUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  getUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  getUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  getUpdateCycle(argument: _nephele_v1_GetUpdateCycleRequest, callback: grpc.requestCallback<_nephele_v1_GetUpdateCycleResponse__Output>): grpc.ClientUnaryCall;
  
  ListImages(argument: _nephele_v1_ListImagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _nephele_v1_ListImagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _nephele_v1_ListImagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _nephele_v1_ListImagesRequest, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _nephele_v1_ListImagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _nephele_v1_ListImagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _nephele_v1_ListImagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _nephele_v1_ListImagesRequest, callback: grpc.requestCallback<_nephele_v1_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  
  ListUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  ListUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  ListUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  ListUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  listUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  listUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  listUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  listUpdateCycles(argument: _nephele_v1_ListUpdateCyclesRequest, callback: grpc.requestCallback<_nephele_v1_ListUpdateCyclesResponse__Output>): grpc.ClientUnaryCall;
  
  PopulateSet(argument: _nephele_v1_PopulateSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  PopulateSet(argument: _nephele_v1_PopulateSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  PopulateSet(argument: _nephele_v1_PopulateSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  PopulateSet(argument: _nephele_v1_PopulateSetRequest, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  populateSet(argument: _nephele_v1_PopulateSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  populateSet(argument: _nephele_v1_PopulateSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  populateSet(argument: _nephele_v1_PopulateSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  populateSet(argument: _nephele_v1_PopulateSetRequest, callback: grpc.requestCallback<_nephele_v1_PopulateSetResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeImage(argument: _nephele_v1_RevokeImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  RevokeImage(argument: _nephele_v1_RevokeImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  RevokeImage(argument: _nephele_v1_RevokeImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  RevokeImage(argument: _nephele_v1_RevokeImageRequest, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  revokeImage(argument: _nephele_v1_RevokeImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  revokeImage(argument: _nephele_v1_RevokeImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  revokeImage(argument: _nephele_v1_RevokeImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  revokeImage(argument: _nephele_v1_RevokeImageRequest, callback: grpc.requestCallback<_nephele_v1_RevokeImageResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateVmSet(argument: _nephele_v1_UpdateVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  UpdateVmSet(argument: _nephele_v1_UpdateVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  UpdateVmSet(argument: _nephele_v1_UpdateVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  UpdateVmSet(argument: _nephele_v1_UpdateVmSetRequest, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  updateVmSet(argument: _nephele_v1_UpdateVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  updateVmSet(argument: _nephele_v1_UpdateVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  updateVmSet(argument: _nephele_v1_UpdateVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  updateVmSet(argument: _nephele_v1_UpdateVmSetRequest, callback: grpc.requestCallback<_nephele_v1_UpdateVmSetResponse__Output>): grpc.ClientUnaryCall;
  
  UploadImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  UploadImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  UploadImage(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  UploadImage(callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  uploadImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  uploadImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  uploadImage(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  uploadImage(callback: grpc.requestCallback<_nephele_v1_UploadImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_UploadImageChunk>;
  
}

export interface TokenServiceHandlers extends grpc.UntypedServiceImplementation {
  BeginManagement: grpc.handleUnaryCall<_nephele_v1_BeginManagementRequest__Output, _nephele_v1_BeginManagementResponse>;
  
  CaptureImage: grpc.handleUnaryCall<_nephele_v1_CaptureImageRequest__Output, _nephele_v1_CaptureImageResponse>;
  
  ConfigureManagementInstance: grpc.handleUnaryCall<_nephele_v1_ConfigureManagementInstanceRequest__Output, _nephele_v1_ConfigureManagementInstanceResponse>;
  
  DownloadImage: grpc.handleServerStreamingCall<_nephele_v1_DownloadImageRequest__Output, _nephele_v1_DiskChunk>;
  
  EndManagement: grpc.handleUnaryCall<_nephele_v1_EndManagementRequest__Output, _nephele_v1_EndManagementResponse>;
  
  GetConfigurationTable: grpc.handleUnaryCall<_nephele_v1_GetConfigurationTableRequest__Output, _nephele_v1_GetConfigurationTableResponse>;
  
  GetImage: grpc.handleUnaryCall<_nephele_v1_GetImageRequest__Output, _nephele_v1_GetImageResponse>;
  
  GetImageLineage: grpc.handleUnaryCall<_nephele_v1_GetImageLineageRequest__Output, _nephele_v1_GetImageLineageResponse>;
  
  GetUpdateCycle: grpc.handleUnaryCall<_nephele_v1_GetUpdateCycleRequest__Output, _nephele_v1_GetUpdateCycleResponse>;
  
  ListImages: grpc.handleUnaryCall<_nephele_v1_ListImagesRequest__Output, _nephele_v1_ListImagesResponse>;
  
  ListUpdateCycles: grpc.handleUnaryCall<_nephele_v1_ListUpdateCyclesRequest__Output, _nephele_v1_ListUpdateCyclesResponse>;
  
  PopulateSet: grpc.handleUnaryCall<_nephele_v1_PopulateSetRequest__Output, _nephele_v1_PopulateSetResponse>;
  
  RevokeImage: grpc.handleUnaryCall<_nephele_v1_RevokeImageRequest__Output, _nephele_v1_RevokeImageResponse>;
  
  UpdateVmSet: grpc.handleUnaryCall<_nephele_v1_UpdateVmSetRequest__Output, _nephele_v1_UpdateVmSetResponse>;
  
  UploadImage: grpc.handleClientStreamingCall<_nephele_v1_UploadImageChunk__Output, _nephele_v1_UploadImageResponse>;
  
}

export interface TokenServiceDefinition extends grpc.ServiceDefinition {
  BeginManagement: MethodDefinition<_nephele_v1_BeginManagementRequest, _nephele_v1_BeginManagementResponse, _nephele_v1_BeginManagementRequest__Output, _nephele_v1_BeginManagementResponse__Output>
  CaptureImage: MethodDefinition<_nephele_v1_CaptureImageRequest, _nephele_v1_CaptureImageResponse, _nephele_v1_CaptureImageRequest__Output, _nephele_v1_CaptureImageResponse__Output>
  ConfigureManagementInstance: MethodDefinition<_nephele_v1_ConfigureManagementInstanceRequest, _nephele_v1_ConfigureManagementInstanceResponse, _nephele_v1_ConfigureManagementInstanceRequest__Output, _nephele_v1_ConfigureManagementInstanceResponse__Output>
  DownloadImage: MethodDefinition<_nephele_v1_DownloadImageRequest, _nephele_v1_DiskChunk, _nephele_v1_DownloadImageRequest__Output, _nephele_v1_DiskChunk__Output>
  EndManagement: MethodDefinition<_nephele_v1_EndManagementRequest, _nephele_v1_EndManagementResponse, _nephele_v1_EndManagementRequest__Output, _nephele_v1_EndManagementResponse__Output>
  GetConfigurationTable: MethodDefinition<_nephele_v1_GetConfigurationTableRequest, _nephele_v1_GetConfigurationTableResponse, _nephele_v1_GetConfigurationTableRequest__Output, _nephele_v1_GetConfigurationTableResponse__Output>
  GetImage: MethodDefinition<_nephele_v1_GetImageRequest, _nephele_v1_GetImageResponse, _nephele_v1_GetImageRequest__Output, _nephele_v1_GetImageResponse__Output>
  GetImageLineage: MethodDefinition<_nephele_v1_GetImageLineageRequest, _nephele_v1_GetImageLineageResponse, _nephele_v1_GetImageLineageRequest__Output, _nephele_v1_GetImageLineageResponse__Output>
  GetUpdateCycle: MethodDefinition<_nephele_v1_GetUpdateCycleRequest, _nephele_v1_GetUpdateCycleResponse, _nephele_v1_GetUpdateCycleRequest__Output, _nephele_v1_GetUpdateCycleResponse__Output>
  ListImages: MethodDefinition<_nephele_v1_ListImagesRequest, _nephele_v1_ListImagesResponse, _nephele_v1_ListImagesRequest__Output, _nephele_v1_ListImagesResponse__Output>
  ListUpdateCycles: MethodDefinition<_nephele_v1_ListUpdateCyclesRequest, _nephele_v1_ListUpdateCyclesResponse, _nephele_v1_ListUpdateCyclesRequest__Output, _nephele_v1_ListUpdateCyclesResponse__Output>
  PopulateSet: MethodDefinition<_nephele_v1_PopulateSetRequest, _nephele_v1_PopulateSetResponse, _nephele_v1_PopulateSetRequest__Output, _nephele_v1_PopulateSetResponse__Output>
  RevokeImage: MethodDefinition<_nephele_v1_RevokeImageRequest, _nephele_v1_RevokeImageResponse, _nephele_v1_RevokeImageRequest__Output, _nephele_v1_RevokeImageResponse__Output>
  UpdateVmSet: MethodDefinition<_nephele_v1_UpdateVmSetRequest, _nephele_v1_UpdateVmSetResponse, _nephele_v1_UpdateVmSetRequest__Output, _nephele_v1_UpdateVmSetResponse__Output>
  UploadImage: MethodDefinition<_nephele_v1_UploadImageChunk, _nephele_v1_UploadImageResponse, _nephele_v1_UploadImageChunk__Output, _nephele_v1_UploadImageResponse__Output>
}
